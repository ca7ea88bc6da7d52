#include "tensor/generator.h"

#include "addon_data.h"
#include "tensor/convert.h"
#include "tensor/handle.h"
#include "util/errors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <mutex>

namespace diga {

void GeneratorHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Generator",
                                    {
                                        InstanceMethod<&GeneratorHandle::ManualSeed>("manualSeed"),
                                        InstanceMethod<&GeneratorHandle::InitialSeed>("initialSeed"),
                                        InstanceMethod<&GeneratorHandle::GetState>("getState"),
                                        InstanceMethod<&GeneratorHandle::SetState>("setState"),
                                        InstanceMethod<&GeneratorHandle::Device>("device"),
                                    });
  AddonData(env).generator_ctor = Napi::Persistent(ctor);
  exports.Set("Generator", ctor);
}

at::Generator GeneratorHandle::FromJs(Napi::Value v) {
  Napi::Env env = v.Env();
  GeneratorHandle* h = nullptr;
  if (!v.IsObject() || napi_unwrap(env, v, reinterpret_cast<void**>(&h)) != napi_ok || h == nullptr) {
    ThrowTypeError(env, "expected a Generator");
  }
  return h->gen_;
}

// new Generator(device = "cpu", seed?)
GeneratorHandle::GeneratorHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<GeneratorHandle>(info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  std::string spec = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "cpu";
  c10::Device device = ParseDevice(env, spec);
  if (device.is_cuda()) {
    // Context::defaultGenerator exists in libtorch 1.13 and 2.x alike (the CUDA hook was renamed).
    gen_ = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, device.has_index() ? device.index() : 0)).clone();
  } else {
    gen_ = at::detail::createCPUGenerator();
  }
  if (info.Length() > 1 && info[1].IsNumber()) {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    gen_.set_current_seed(static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value()));
  }
  DIGA_CATCH(env)
}

Napi::Value GeneratorHandle::ManualSeed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() && !info[0].IsBigInt()) ThrowTypeError(env, "seed must be an integer");
  uint64_t seed = 0;
  if (info[0].IsBigInt()) {
    bool lossless = true;
    seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  } else {
    seed = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  }
  std::lock_guard<std::mutex> lock(gen_.mutex());
  gen_.set_current_seed(seed);
  return info.This();
}

Napi::Value GeneratorHandle::InitialSeed(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(gen_.current_seed()));
}

Napi::Value GeneratorHandle::GetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  std::lock_guard<std::mutex> lock(gen_.mutex());
  return TensorHandle::Wrap(env, gen_.get_state());
  DIGA_CATCH(env)
}

Napi::Value GeneratorHandle::SetState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  at::Tensor state = TensorHandle::FromJs(info[0]);
  std::lock_guard<std::mutex> lock(gen_.mutex());
  gen_.set_state(state);
  return info.This();
  DIGA_CATCH(env)
}

Napi::Value GeneratorHandle::Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), gen_.device().str());
}

}  // namespace diga
