#include "model/cpu_conv.h"

#include <ATen/autocast_mode.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/version.h>

#include <atomic>
#include <string>
#include <vector>

namespace diga::model {

namespace {

std::atomic<uint64_t> winograd_runs{0}, direct_runs{0}, prepacked_runs{0}, plain_runs{0};

// oneDNN's prepacked convolution ops, when this libtorch registers them.
struct PrepackOps {
  c10::optional<c10::OperatorHandle> prepack, run;
  static const PrepackOps& Get() {
    static const PrepackOps ops = [] {
      PrepackOps o;
      auto& d = c10::Dispatcher::singleton();
      o.prepack = d.findSchema({"mkldnn_prepacked::conv2d_prepack", ""});
      o.run = d.findSchema({"mkldnn_prepacked::conv2d_run", ""});
      return o;
    }();
    return ops;
  }
  bool available() const { return prepack.has_value() && run.has_value(); }
};

bool CpuAutocast() {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return at::autocast::is_autocast_enabled(at::kCPU);
#else
  return at::autocast::is_cpu_enabled();
#endif
}

c10::IValue Pack(const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
                 const onednn::ConvGeometry& g, bool relu, const torch::Tensor& x) {
  torch::jit::Stack stack{weight,          bias,    g.stride, g.padding, g.dilation,
                          g.groups,        x.sizes().vec(),   std::string(relu ? "relu" : "none")};
  PrepackOps::Get().prepack->callBoxed(&stack);
  return std::move(stack.at(0));
}

}  // namespace

CpuConv::CpuConv(torch::Tensor weight, c10::optional<torch::Tensor> bias, onednn::ConvGeometry geometry,
                 bool relu)
    : weight_(std::move(weight)), bias_(std::move(bias)), geometry_(std::move(geometry)), relu_(relu) {
  direct_ = onednn::Create(weight_, bias_, geometry_, relu_);
}

bool CpuConv::Takes(const torch::Tensor& x, const torch::Tensor& weight) {
  // Autocast would cast around the op; these paths are float32 only.
  return x.device().is_cpu() && x.scalar_type() == at::kFloat && weight.scalar_type() == at::kFloat &&
         !CpuAutocast() && x.dim() == 4;
}

torch::Tensor CpuConv::operator()(const torch::Tensor& x) {
  if (direct_) {
    bool winograd = false;
    auto y = onednn::Run(*direct_, x, &winograd);
    if (y.defined()) {
      ++(winograd ? winograd_runs : direct_runs);
      return y;
    }
  }
  // Packed on first use only: inputs oneDNN takes directly never need it.
  if (packed_.isNone() && PrepackOps::Get().available()) packed_ = Pack(weight_, bias_, geometry_, relu_, x);
  if (!packed_.isNone()) {
    torch::jit::Stack stack{x, packed_};
    PrepackOps::Get().run->callBoxed(&stack);
    ++prepacked_runs;
    return stack.at(0).toTensor();
  }
  ++plain_runs;
  auto y = at::conv2d(x, weight_, bias_, geometry_.stride, geometry_.padding, geometry_.dilation, geometry_.groups);
  return relu_ ? y.relu_() : y;
}

CpuConvCounts CpuConvRuns() {
  return {winograd_runs.load(), direct_runs.load(), prepacked_runs.load(), plain_runs.load()};
}

}  // namespace diga::model
