// The JS-visible tensor handle: one Napi object owning one at::Tensor.
// Every other native file turns JS values into tensors (and back) through here.
#pragma once

#include <napi.h>
#include <torch/torch.h>

#include <atomic>
#include <cstdint>

namespace diga {

class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);

  // A new JS handle that owns (shares) `t`.
  static Napi::Object Wrap(Napi::Env env, at::Tensor t);
  static bool IsHandle(Napi::Value v);
  // The tensor behind a handle. Throws a JS TypeError for a non-handle and
  // an Error("tensor was disposed") for a disposed one.
  static at::Tensor FromJs(Napi::Value v);

  // Live (not disposed, not collected) handles and the bytes their storages hold.
  static int64_t LiveCount();

  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;

  const at::Tensor& tensor() const { return tensor_; }
  bool disposed() const { return !tensor_.defined(); }
  void Reset(Napi::Env env);

 private:
  void Adopt(Napi::Env env, at::Tensor t);
  // The tensor, or a JS Error once the handle is disposed.
  const at::Tensor& Live(Napi::Env env) const;

  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value Shape(const Napi::CallbackInfo& info);
  Napi::Value Strides(const Napi::CallbackInfo& info);
  Napi::Value Dtype(const Napi::CallbackInfo& info);
  Napi::Value Device(const Napi::CallbackInfo& info);
  Napi::Value RequiresGrad(const Napi::CallbackInfo& info);
  Napi::Value IsLeaf(const Napi::CallbackInfo& info);
  Napi::Value IsContiguous(const Napi::CallbackInfo& info);
  Napi::Value Numel(const Napi::CallbackInfo& info);
  Napi::Value Same(const Napi::CallbackInfo& info);

  at::Tensor tensor_;
  int64_t reported_bytes_ = 0;
};

}  // namespace diga
