// Autograd entry points that are not operators: backward, .grad, grad mode.
#include "ops/autograd.h"

#include "tensor/convert.h"
#include "tensor/handle.h"
#include "util/args.h"
#include "util/errors.h"

#include <torch/csrc/autograd/autograd.h>

namespace diga {

namespace {

// backward(tensors, grads|null, retainGraph, createGraph)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> tensors = JsToTensors(info[0], args::Param("backward", "tensors"));
  std::vector<at::Tensor> grads = JsToTensors(info[1], args::Param("backward", "grads"));
  const bool retain = args::Optional(info[2], args::Param("backward", "retainGraph"), args::Bool).value_or(false);
  const bool create = args::Optional(info[3], args::Param("backward", "createGraph"), args::Bool).value_or(false);
  for (const auto& t : tensors) {
    if (!t.requires_grad()) {
      ThrowError(env, "backward(): the tensor does not require grad and has no grad_fn "
                      "(was it computed under noGrad, or from tensors without requiresGrad?)");
    }
  }
  if (grads.empty()) {
    for (const auto& t : tensors) {
      if (t.numel() != 1) {
        ThrowError(env, "backward(): a gradient can only be implied for one-element outputs; pass "
                        "the gradient for a tensor of shape " + c10::str(t.sizes()));
      }
    }
  }
  torch::autograd::backward(tensors, grads, retain, create);
  return env.Undefined();
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  if (!t.is_leaf() && !t.retains_grad()) {
    ThrowError(env, "grad: this tensor is not a leaf, so its gradient is not kept; call "
                    "retainGrad() on it before backward(), or read the gradient of the leaf tensors");
  }
  const at::Tensor& g = t.grad();
  if (!g.defined()) return env.Null();
  return TensorHandle::Wrap(env, g);
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  at::Tensor t = TensorHandle::FromJs(info[0]);
  if (info[1].IsNull() || info[1].IsUndefined()) t.mutable_grad().reset();
  else t.mutable_grad() = TensorHandle::FromJs(info[1]);
  return info.Env().Undefined();
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  TensorHandle::FromJs(info[0]).retain_grad();
  return info.Env().Undefined();
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  at::Tensor t = TensorHandle::FromJs(info[0]);
  t.set_requires_grad(args::Bool(info[1], args::Param("setRequiresGrad", "value")));
  return info.Env().Undefined();
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  at::GradMode::set_enabled(args::Bool(info[0], args::Param("setGradEnabled", "value")));
  return info.Env().Undefined();
}

}  // namespace

void InitAutograd(Napi::Env env, Napi::Object exports) {
  Export<Backward>(exports, "backward");
  Export<Grad>(exports, "grad");
  Export<SetGrad>(exports, "setGrad");
  Export<RetainGrad>(exports, "retainGrad");
  Export<SetRequiresGrad>(exports, "setRequiresGrad");
  Export<IsGradEnabled>(exports, "isGradEnabled");
  Export<SetGradEnabled>(exports, "setGradEnabled");
}

}  // namespace diga
