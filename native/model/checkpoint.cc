#include "model/checkpoint.h"

#include "model/hrnet.h"

namespace diga::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
  static variable_list forward(AutogradContext* ctx, at::TensorList inputs, int64_t run, int64_t segment) {
    ctx->saved_data["run"] = run;
    ctx->saved_data["segment"] = segment;
    ctx->save_for_backward(inputs.vec());
    torch::NoGradGuard no_grad;
    return reinterpret_cast<SegmentRun>(run)(segment, inputs.vec());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto run = reinterpret_cast<SegmentRun>(ctx->saved_data["run"].toInt());
    const int64_t segment = ctx->saved_data["segment"].toInt();
    std::vector<torch::Tensor> inputs;
    for (const auto& x : ctx->get_saved_variables()) inputs.push_back(x.detach().requires_grad_(x.requires_grad()));
    std::vector<torch::Tensor> outputs;
    {
      torch::AutoGradMode grad(true);
      outputs = run(segment, inputs);
    }
    std::vector<torch::Tensor> with_grad, grads;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].requires_grad() && grad_outputs[i].defined()) {
        with_grad.push_back(outputs[i]);
        grads.push_back(grad_outputs[i]);
      }
    }
    // Accumulates into the segment's parameters and the detached inputs.
    if (!with_grad.empty()) torch::autograd::backward(with_grad, grads);
    variable_list result;
    for (const auto& x : inputs) result.push_back(x.requires_grad() ? x.grad() : torch::Tensor());
    result.emplace_back();  // for the function
    result.emplace_back();  // for the segment address
    return result;
  }
};

std::vector<torch::Tensor> RunHighResolutionModule(int64_t segment, const std::vector<torch::Tensor>& inputs) {
  return reinterpret_cast<HighResolutionModuleImpl*>(segment)->forward(inputs);
}

}  // namespace

std::vector<torch::Tensor> CheckpointedCall(SegmentRun run, int64_t segment, const std::vector<torch::Tensor>& inputs) {
  return CheckpointFunction::apply(at::TensorList(inputs), reinterpret_cast<int64_t>(run), segment);
}

std::vector<torch::Tensor> CheckpointedForward(HighResolutionModuleImpl& module, const std::vector<torch::Tensor>& inputs) {
  return CheckpointedCall(&RunHighResolutionModule, reinterpret_cast<int64_t>(&module), inputs);
}

}  // namespace diga::model
