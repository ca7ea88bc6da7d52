// A JS class over one libtorch module: the methods every network shares
// (train, stateDict, namedParameters, namedBuffers, to, channelsLast,
// dispose), with the network-specific construction, forward and config given
// by a traits struct:
//   struct Traits {
//     using Holder = ...;                                   // a TORCH_MODULE holder
//     static constexpr const char* kName = "...";           // the JS class name
//     static Holder Build(const Napi::CallbackInfo& info);
//     static Napi::Value Forward(const Napi::CallbackInfo& info, Holder& net);
//     static Napi::Value Config(Napi::Env env, Holder& net);
//     template <class Wrap> static void AddMethods(std::vector<Wrap::PropertyDescriptor>&);
//   };
// AddMethods adds network-specific methods as `Wrap::template Call<&F>`, with
// F(info, holder) a static function run guarded on the live module.
#pragma once

#include <napi.h>
#include <torch/torch.h>

#include <vector>

#include "model/seg_model.h"
#include "tensor/handle.h"
#include "util/args.h"
#include "util/errors.h"

namespace diga::model {

// [[name, tensor], ...] with handles sharing the module's tensors.
Napi::Array NamedToJs(Napi::Env env, const NamedTensors& entries);

// Runs `body` under no-grad when options.grad is false (default: the current mode).
template <class Body>
decltype(auto) WithGradOption(const Napi::CallbackInfo& info, size_t options_index, const char* fn, Body&& body) {
  bool grad = true;
  if (info.Length() > options_index && info[options_index].IsObject()) {
    grad = args::Optional(info[options_index].As<Napi::Object>().Get("grad"), args::Field(fn, "grad"), args::Bool)
               .value_or(true);
  }
  c10::optional<torch::NoGradGuard> no_grad;
  if (!grad) no_grad.emplace();
  return body();
}

template <class Traits>
class NetWrap : public Napi::ObjectWrap<NetWrap<Traits>> {
 public:
  using Holder = typename Traits::Holder;
  using Self = NetWrap<Traits>;

  static void Init(Napi::Env env, Napi::Object exports) {
    std::vector<typename Napi::ObjectWrap<Self>::PropertyDescriptor> methods{
        Self::InstanceMethod("forward", &Self::template Call<&Traits::Forward>),
        Self::InstanceMethod("train", &Self::Train),
        Self::InstanceMethod("isTraining", &Self::IsTraining),
        Self::InstanceMethod("stateDict", &Self::StateDict),
        Self::InstanceMethod("namedParameters", &Self::NamedParams),
        Self::InstanceMethod("namedBuffers", &Self::NamedBufs),
        Self::InstanceMethod("to", &Self::To),
        Self::InstanceMethod("channelsLast", &Self::ChannelsLast),
        Self::InstanceMethod("config", &Self::Config),
        Self::InstanceMethod("dispose", &Self::Dispose),
    };
    Traits::template AddMethods<Self>(methods);
    exports.Set(Traits::kName, Self::DefineClass(env, Traits::kName, methods));
  }

  explicit NetWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Self>(info) {
    net_ = Guard(info.Env(), [&] { return Traits::Build(info); });
  }

  // The module, or a clear error once dispose() has released it.
  Holder& Live(Napi::Env env) {
    if (!net_) ThrowError(env, std::string(Traits::kName) + " was disposed");
    return net_;
  }

  // F(info, module) on the live module, libtorch errors turned into JS ones.
  template <Napi::Value (*F)(const Napi::CallbackInfo&, Holder&)>
  Napi::Value Call(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Holder& net = Live(env);
    return Guard(env, [&] { return F(info, net); });
  }

 private:
  Napi::Value Train(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Live(env)->train(args::Optional(info[0], args::Param("train", "on"), args::Bool).value_or(true));
    return env.Undefined();
  }
  Napi::Value IsTraining(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), Live(info.Env())->is_training());
  }
  Napi::Value StateDict(const Napi::CallbackInfo& info) {
    return NamedToJs(info.Env(), StateDictEntries(*Live(info.Env())));
  }
  Napi::Value NamedParams(const Napi::CallbackInfo& info) {
    return NamedToJs(info.Env(), NamedParameters(*Live(info.Env())));
  }
  Napi::Value NamedBufs(const Napi::CallbackInfo& info) {
    return NamedToJs(info.Env(), NamedBuffers(*Live(info.Env())));
  }
  // to("cpu" | "cuda" | "cuda:1" ...): moves parameters and buffers in place.
  Napi::Value To(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const c10::Device device = args::Device(info[0], args::Param("to", "device"));
    Guard(env, [&] { Live(env)->to(device); });
    return env.Undefined();
  }
  Napi::Value ChannelsLast(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Guard(env, [&] { ToChannelsLast(*Live(env)); });
    return env.Undefined();
  }
  Napi::Value Config(const Napi::CallbackInfo& info) { return Traits::Config(info.Env(), Live(info.Env())); }
  // Releases the module's parameters and buffers now rather than at garbage collection.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    net_ = Holder(nullptr);
    return info.Env().Undefined();
  }

  Holder net_{nullptr};
};

}  // namespace diga::model
