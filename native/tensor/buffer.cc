// Moving data between JS memory and tensors. fromBuffer is zero-copy where
// the memory allows: the tensor then points into the JS buffer, and a reference
// keeps that buffer alive until libtorch frees the tensor's storage.
#include "tensor/buffer.h"

#include "tensor/handle.h"
#include "util/args.h"
#include "util/dtype.h"
#include "util/errors.h"

#include <cstring>
#include <mutex>
#include <vector>

namespace diga {

namespace {

struct HeldBuffer {
  napi_env env;
  napi_ref ref;
};

// libtorch may free a storage on any thread (autograd workers included), but a
// JS reference may only be dropped on its own thread: freed buffers queue here.
std::mutex released_mu;
std::vector<HeldBuffer> released;

void QueueRelease(void* ctx) {
  auto* held = static_cast<HeldBuffer*>(ctx);
  std::lock_guard<std::mutex> lock(released_mu);
  released.push_back(*held);
  delete held;
}

struct BufferView {
  uint8_t* data = nullptr;
  size_t length = 0;
  Napi::Value owner;
};

BufferView ViewOf(const Napi::Value& v) {
  BufferView view;
  view.owner = v;
  if (v.IsTypedArray()) {
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    view.data = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    view.length = ta.ByteLength();
  } else if (v.IsDataView()) {
    Napi::DataView dv = v.As<Napi::DataView>();
    view.data = static_cast<uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    view.length = dv.ByteLength();
  } else if (v.IsArrayBuffer()) {
    Napi::ArrayBuffer ab = v.As<Napi::ArrayBuffer>();
    view.data = static_cast<uint8_t*>(ab.Data());
    view.length = ab.ByteLength();
  } else {
    args::Fail(args::Param("fromBuffer", "data"), "a Buffer, TypedArray, DataView or ArrayBuffer", v);
  }
  return view;
}

Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReleaseFreedBuffers(env);
  BufferView view = ViewOf(info[0]);
  const at::ScalarType dtype = args::Dtype(info[1], args::Param("fromBuffer", "dtype"));
  std::vector<int64_t> shape = args::IntList(info[2], args::Param("fromBuffer", "shape"));
  const bool force_copy = args::Optional(info[3], args::Param("fromBuffer", "copy"), args::Bool).value_or(false);

  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) ThrowError(env, "fromBuffer: shape has a negative dimension");
    numel *= d;
  }
  const size_t item = c10::elementSize(dtype);
  const size_t need = static_cast<size_t>(numel) * item;
  if (need != view.length) {
    ThrowError(env, "fromBuffer: " + std::to_string(view.length) + " bytes do not hold a " +
                        std::string(DtypeName(dtype)) + " tensor of " + std::to_string(numel) +
                        " elements (" + std::to_string(need) + " bytes)");
  }
  auto options = at::TensorOptions().dtype(dtype);
  const bool aligned = reinterpret_cast<uintptr_t>(view.data) % item == 0;
  if (force_copy || !aligned || need == 0) {
    at::Tensor t = at::empty(shape, options);
    if (need > 0) std::memcpy(t.data_ptr(), view.data, need);
    return TensorHandle::Wrap(env, t);
  }
  auto* held = new HeldBuffer{env, nullptr};
  napi_create_reference(env, view.owner, 1, &held->ref);
  at::Tensor t = at::from_blob(
      view.data, shape, [held](void*) { QueueRelease(held); }, options);
  return TensorHandle::Wrap(env, t);
}

// A copy of the tensor's elements (row-major, on the CPU) in a new Buffer.
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  at::Tensor host;
  {
    at::NoGradGuard no_grad;
    host = t.detach().to(at::kCPU).contiguous();
  }
  const size_t bytes = host.numel() * host.element_size();
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, bytes);
  if (bytes > 0) std::memcpy(out.Data(), host.data_ptr(), bytes);
  return out;
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor t = TensorHandle::FromJs(info[0]);
  if (t.numel() != 1) {
    ThrowError(env, "item(): the tensor has " + std::to_string(t.numel()) +
                        " elements; only one-element tensors convert to a number");
  }
  c10::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
  return Napi::Number::New(env, s.toDouble());
}

}  // namespace

int64_t ReleaseFreedBuffers(napi_env env) {
  std::vector<HeldBuffer> mine;
  {
    std::lock_guard<std::mutex> lock(released_mu);
    auto keep = released.begin();
    for (auto& h : released) {
      if (h.env == env) mine.push_back(h);
      else *keep++ = h;
    }
    released.erase(keep, released.end());
  }
  for (auto& h : mine) napi_delete_reference(h.env, h.ref);
  return static_cast<int64_t>(mine.size());
}

void InitBuffers(Napi::Env env, Napi::Object exports) {
  Export<FromBuffer>(exports, "fromBuffer");
  Export<ToBuffer>(exports, "toBuffer");
  Export<Item>(exports, "item");
}

}  // namespace diga
