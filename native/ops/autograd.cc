// Autograd entry points that are not operators: backward, .grad, grad mode.
#include "ops/autograd.h"

#include "tensor/convert.h"
#include "tensor/handle.h"
#include "util/errors.h"

#include <torch/csrc/autograd/autograd.h>

namespace diga {

namespace {

// backward(tensors, grads|null, retainGraph, createGraph)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<at::Tensor> tensors = JsToTensors(env, info[0]);
  std::vector<at::Tensor> grads = JsToTensors(env, info[1]);
  const bool retain = info.Length() > 2 && info[2].ToBoolean().Value();
  const bool create = info.Length() > 3 && info[3].ToBoolean().Value();
  DIGA_TRY
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
  DIGA_CATCH(env)
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  DIGA_TRY
  if (!t.is_leaf() && !t.retains_grad()) {
    ThrowError(env, "grad: this tensor is not a leaf, so its gradient is not kept; call "
                    "retainGrad() on it before backward(), or read the gradient of the leaf tensors");
  }
  const at::Tensor& g = t.grad();
  if (!g.defined()) return env.Null();
  return TensorHandle::Wrap(env, g);
  DIGA_CATCH(env)
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  DIGA_TRY
  if (info[1].IsNull() || info[1].IsUndefined()) t.mutable_grad().reset();
  else t.mutable_grad() = TensorHandle::FromJs(info[1]);
  return env.Undefined();
  DIGA_CATCH(env)
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  DIGA_TRY
  t.retain_grad();
  return env.Undefined();
  DIGA_CATCH(env)
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  DIGA_TRY
  t.set_requires_grad(info[1].ToBoolean().Value());
  return env.Undefined();
  DIGA_CATCH(env)
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  at::GradMode::set_enabled(info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

}  // namespace

void InitAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("backward", Napi::Function::New<Backward>(env, "backward"));
  exports.Set("grad", Napi::Function::New<Grad>(env, "grad"));
  exports.Set("setGrad", Napi::Function::New<SetGrad>(env, "setGrad"));
  exports.Set("retainGrad", Napi::Function::New<RetainGrad>(env, "retainGrad"));
  exports.Set("setRequiresGrad", Napi::Function::New<SetRequiresGrad>(env, "setRequiresGrad"));
  exports.Set("isGradEnabled", Napi::Function::New<IsGradEnabled>(env, "isGradEnabled"));
  exports.Set("setGradEnabled", Napi::Function::New<SetGradEnabled>(env, "setGradEnabled"));
}

}  // namespace diga
