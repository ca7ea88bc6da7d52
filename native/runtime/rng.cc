// The default generators: the global seed and their states (torch.manual_seed,
// get_rng_state, set_rng_state). Generators of their own are tensor/generator.
#include "runtime/exports.h"

#include "tensor/generator.h"
#include "tensor/handle.h"
#include "util/args.h"
#include "util/errors.h"

#include <torch/torch.h>

#include <mutex>

namespace diga {

namespace {

// The default generator of the device info[i] names ("cpu" when left out).
at::Generator GeneratorArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  const auto device = args::Optional(info[i], args::Param(fn, "device"), args::Device);
  return DefaultGenerator(device.value_or(c10::Device(c10::kCPU)));
}

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  torch::manual_seed(static_cast<uint64_t>(args::Int(info[0], args::Param("manualSeed", "seed"))));
  return info.Env().Undefined();
}

Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  at::Generator gen = GeneratorArg(info, 0, "getRngState");
  std::lock_guard<std::mutex> lock(gen.mutex());
  return TensorHandle::Wrap(info.Env(), gen.get_state());
}

Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  at::Tensor state = TensorHandle::FromJs(info[0]);
  at::Generator gen = GeneratorArg(info, 1, "setRngState");
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return info.Env().Undefined();
}

}  // namespace

void InitRng(Napi::Env env, Napi::Object exports) {
  Export<ManualSeed>(exports, "manualSeed");
  Export<GetRngState>(exports, "getRngState");
  Export<SetRngState>(exports, "setRngState");
}

}  // namespace diga
