#include "tensor/generator.h"

#include "addon_data.h"
#include "tensor/handle.h"
#include "util/args.h"
#include "util/errors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <mutex>

namespace diga {

namespace {

uint64_t SeedOf(const Napi::Value& v, const args::Arg& a) {
  if (v.IsBigInt()) {
    bool lossless = true;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  int64_t seed = 0;
  if (!args::TryInt(v, &seed)) args::Fail(a, "an integer or a BigInt", v);
  return static_cast<uint64_t>(seed);
}

}  // namespace

at::Generator DefaultGenerator(c10::Device device) {
  // Context::defaultGenerator is the spelling that exists in libtorch 1.13 and 2.x alike
  // (the CUDA hook was renamed).
  if (device.is_cuda()) return at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, device.has_index() ? device.index() : 0));
  return at::detail::getDefaultCPUGenerator();
}

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
  const auto device = args::Optional(info[0], args::Param("new Generator", "device"), args::Device);
  const auto seed = args::Optional(info[1], args::Param("new Generator", "seed"), SeedOf);
  Guard(info.Env(), [&] {
    const bool cuda = device && device->is_cuda();
    gen_ = cuda ? DefaultGenerator(*device).clone() : at::detail::createCPUGenerator();
    if (seed) {
      std::lock_guard<std::mutex> lock(gen_.mutex());
      gen_.set_current_seed(*seed);
    }
  });
}

Napi::Value GeneratorHandle::ManualSeed(const Napi::CallbackInfo& info) {
  const uint64_t seed = SeedOf(info[0], args::Param("manualSeed", "seed"));
  std::lock_guard<std::mutex> lock(gen_.mutex());
  gen_.set_current_seed(seed);
  return info.This();
}

Napi::Value GeneratorHandle::InitialSeed(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(gen_.current_seed()));
}

Napi::Value GeneratorHandle::GetState(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    return TensorHandle::Wrap(info.Env(), gen_.get_state());
  });
}

Napi::Value GeneratorHandle::SetState(const Napi::CallbackInfo& info) {
  at::Tensor state = TensorHandle::FromJs(info[0]);
  Guard(info.Env(), [&] {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    gen_.set_state(state);
  });
  return info.This();
}

Napi::Value GeneratorHandle::Device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), gen_.device().str());
}

}  // namespace diga
