#include "model/checkpoint.h"

namespace diga::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
  // The module is owned by the model, which outlives the step's graph; only
  // its address travels with the graph node.
  static variable_list forward(AutogradContext* ctx, at::TensorList inputs, int64_t module) {
    ctx->saved_data["module"] = module;
    ctx->save_for_backward(inputs.vec());
    torch::NoGradGuard no_grad;
    return reinterpret_cast<HighResolutionModuleImpl*>(module)->forward(inputs.vec());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto* module = reinterpret_cast<HighResolutionModuleImpl*>(ctx->saved_data["module"].toInt());
    std::vector<torch::Tensor> inputs;
    for (const auto& x : ctx->get_saved_variables()) inputs.push_back(x.detach().requires_grad_(x.requires_grad()));
    std::vector<torch::Tensor> outputs;
    {
      torch::AutoGradMode grad(true);
      outputs = module->forward(inputs);
    }
    std::vector<torch::Tensor> with_grad, grads;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].requires_grad() && grad_outputs[i].defined()) {
        with_grad.push_back(outputs[i]);
        grads.push_back(grad_outputs[i]);
      }
    }
    // Accumulates into the module's parameters and the detached inputs.
    if (!with_grad.empty()) torch::autograd::backward(with_grad, grads);
    variable_list result;
    for (const auto& x : inputs) result.push_back(x.requires_grad() ? x.grad() : torch::Tensor());
    result.emplace_back();  // for the module address
    return result;
  }
};

}  // namespace

std::vector<torch::Tensor> CheckpointedForward(HighResolutionModuleImpl& module, const std::vector<torch::Tensor>& inputs) {
  return CheckpointFunction::apply(at::TensorList(inputs), reinterpret_cast<int64_t>(&module));
}

}  // namespace diga::model
