#include "tensor/handle.h"

#include "addon_data.h"
#include "tensor/convert.h"
#include "tensor/registry.h"
#include "util/dtype.h"
#include "util/errors.h"

namespace diga {

namespace {
// Set by Wrap() just before constructing, read by the constructor: the cheap
// way to hand a C++ tensor to a JS object created through the class constructor.
thread_local at::Tensor* pending_tensor = nullptr;

int64_t ExternalBytes(const at::Tensor& t) {
  // Only host memory counts towards V8's external memory (GC pressure).
  if (!t.defined() || !t.has_storage() || !t.device().is_cpu()) return 0;
  return static_cast<int64_t>(t.storage().nbytes());
}
}  // namespace

void TensorHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(
      env, "TensorHandle",
      {
          InstanceMethod<&TensorHandle::Dispose>("dispose"),
          InstanceMethod<&TensorHandle::IsDisposed>("isDisposed"),
          InstanceMethod<&TensorHandle::Shape>("shape"),
          InstanceMethod<&TensorHandle::Strides>("strides"),
          InstanceMethod<&TensorHandle::Dtype>("dtype"),
          InstanceMethod<&TensorHandle::Device>("device"),
          InstanceMethod<&TensorHandle::RequiresGrad>("requiresGrad"),
          InstanceMethod<&TensorHandle::IsLeaf>("isLeaf"),
          InstanceMethod<&TensorHandle::IsContiguous>("isContiguous"),
          InstanceMethod<&TensorHandle::Numel>("numel"),
          InstanceMethod<&TensorHandle::Same>("same"),
      });
  AddonData(env).tensor_ctor = Napi::Persistent(ctor);
  exports.Set("TensorHandle", ctor);
}

Napi::Object TensorHandle::Wrap(Napi::Env env, at::Tensor t) {
  pending_tensor = &t;
  Napi::Object obj = AddonData(env).tensor_ctor.New({});
  pending_tensor = nullptr;
  return obj;
}

bool TensorHandle::IsHandle(Napi::Value v) {
  if (!v.IsObject()) return false;
  return v.As<Napi::Object>().InstanceOf(AddonData(v.Env()).tensor_ctor.Value());
}

at::Tensor TensorHandle::FromJs(Napi::Value v) {
  Napi::Env env = v.Env();
  if (!v.IsObject()) ThrowTypeError(env, "expected a tensor");
  TensorHandle* h = nullptr;
  // napi_unwrap fails for objects that are not TensorHandles.
  napi_status status = napi_unwrap(env, v, reinterpret_cast<void**>(&h));
  if (status != napi_ok || h == nullptr) ThrowTypeError(env, "expected a tensor");
  if (h->disposed()) ThrowError(env, "tensor was disposed");
  return h->tensor_;
}

int64_t TensorHandle::LiveCount() { return Registry::Get().Count(); }

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {
  if (pending_tensor == nullptr) {
    throw Napi::TypeError::New(info.Env(), "TensorHandle cannot be constructed from JavaScript");
  }
  Adopt(info.Env(), std::move(*pending_tensor));
  pending_tensor = nullptr;
}

TensorHandle::~TensorHandle() {
  // Runs from the GC finaliser: release without touching JS.
  if (tensor_.defined()) {
    Registry::Get().Remove(this);
    tensor_.reset();
  }
}

void TensorHandle::Adopt(Napi::Env env, at::Tensor t) {
  tensor_ = std::move(t);
  reported_bytes_ = ExternalBytes(tensor_);
  if (reported_bytes_ > 0) Napi::MemoryManagement::AdjustExternalMemory(env, reported_bytes_);
  Registry::Get().Add(this);
}

void TensorHandle::Reset(Napi::Env env) {
  if (!tensor_.defined()) return;
  Registry::Get().Remove(this);
  tensor_.reset();
  if (reported_bytes_ > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -reported_bytes_);
  reported_bytes_ = 0;
}

Napi::Value TensorHandle::Dispose(const Napi::CallbackInfo& info) {
  Reset(info.Env());
  return info.Env().Undefined();
}

Napi::Value TensorHandle::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), disposed());
}

const at::Tensor& TensorHandle::Live(Napi::Env env) const {
  if (disposed()) ThrowError(env, "tensor was disposed");
  return tensor_;
}

Napi::Value TensorHandle::Shape(const Napi::CallbackInfo& info) {
  return IntListToJs(info.Env(), Live(info.Env()).sizes());
}

Napi::Value TensorHandle::Strides(const Napi::CallbackInfo& info) {
  return IntListToJs(info.Env(), Live(info.Env()).strides());
}

Napi::Value TensorHandle::Dtype(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DtypeName(Live(info.Env()).scalar_type()));
}

Napi::Value TensorHandle::Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Live(info.Env()).device().str());
}

Napi::Value TensorHandle::RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Live(info.Env()).requires_grad());
}

Napi::Value TensorHandle::IsLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Live(info.Env()).is_leaf());
}

Napi::Value TensorHandle::IsContiguous(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Live(info.Env()).is_contiguous());
}

Napi::Value TensorHandle::Numel(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Live(info.Env()).numel()));
}

Napi::Value TensorHandle::Same(const Napi::CallbackInfo& info) {
  const at::Tensor& t = Live(info.Env());
  at::Tensor other = FromJs(info[0]);
  return Napi::Boolean::New(info.Env(), t.unsafeGetTensorImpl() == other.unsafeGetTensorImpl());
}

}  // namespace diga
