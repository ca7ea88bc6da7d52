// A seedable random generator object (at::Generator) for JS.
#pragma once

#include <napi.h>
#include <ATen/core/Generator.h>

namespace diga {

// The default generator of a device (what torch.get_rng_state / set_rng_state act on).
at::Generator DefaultGenerator(c10::Device device);

class GeneratorHandle : public Napi::ObjectWrap<GeneratorHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static at::Generator FromJs(Napi::Value v);

  explicit GeneratorHandle(const Napi::CallbackInfo& info);

 private:
  Napi::Value ManualSeed(const Napi::CallbackInfo& info);
  Napi::Value InitialSeed(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  Napi::Value SetState(const Napi::CallbackInfo& info);
  Napi::Value Device(const Napi::CallbackInfo& info);

  at::Generator gen_;
};

}  // namespace diga
