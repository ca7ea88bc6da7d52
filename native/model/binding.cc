// `new Model(config)`: the network lives in C++; JS sees its tensors through
// TensorHandles that share the module's storage, and calls forward() as one
// native step (the whole network runs without crossing into JS).
#include "model/binding.h"

#include <string>

#include "model/cpu_conv.h"
#include "model/net_wrap.h"
#include "model/onednn_conv.h"
#include "model/seg_model.h"
#include "tensor/convert.h"
#include "tensor/handle.h"
#include "util/args.h"
#include "util/errors.h"

namespace diga {
namespace {

constexpr const char* kNewModel = "new Model(config)";

model::ModelConfig ConfigFromJs(const Napi::Value& value) {
  args::Arg config{kNewModel};
  config.label = [](const void*) { return std::string("the model config"); };
  Napi::Object obj = args::Object(value, config,
                                  "an object with stemWidth, stage1Width, stage1Blocks, widths, blocks, "
                                  "modules, pixelChannels, keyChannels, classes");
  auto field = [&obj](const char* key) { return args::Int(obj.Get(key), args::Field(kNewModel, key)); };
  model::ModelConfig c;
  c.stem = field("stemWidth");
  c.stage1_width = field("stage1Width");
  c.stage1_blocks = field("stage1Blocks");
  c.widths = args::IntArray<4>(obj.Get("widths"), args::Field(kNewModel, "widths"));
  c.blocks = field("blocks");
  c.modules = args::IntArray<3>(obj.Get("modules"), args::Field(kNewModel, "modules"));
  c.pix = field("pixelChannels");
  c.key = field("keyChannels");
  c.classes = field("classes");
  return c;
}

using model::NamedToJs;

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(
        env, "Model",
        {
            InstanceMethod<&ModelWrap::Forward>("forward"),
            InstanceMethod<&ModelWrap::Train>("train"),
            InstanceMethod<&ModelWrap::IsTraining>("isTraining"),
            InstanceMethod<&ModelWrap::StateDict>("stateDict"),
            InstanceMethod<&ModelWrap::NamedParameters>("namedParameters"),
            InstanceMethod<&ModelWrap::NamedBuffers>("namedBuffers"),
            InstanceMethod<&ModelWrap::To>("to"),
            InstanceMethod<&ModelWrap::ChannelsLast>("channelsLast"),
            InstanceMethod<&ModelWrap::Config>("config"),
            InstanceMethod<&ModelWrap::Dispose>("dispose"),
            InstanceMethod<&ModelWrap::SetCheckpointing>("setCheckpointing"),
            InstanceMethod<&ModelWrap::SetFoldBatchNorm>("setFoldBatchNorm"),
        });
    exports.Set("Model", ctor);
  }

  explicit ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
    const model::ModelConfig config = ConfigFromJs(info[0]);
    model_ = Guard(info.Env(), [&] { return model::SegModel(config); });
  }

 private:
  // The module, or a clear error once dispose() has released it.
  model::SegModel& Live(Napi::Env env) {
    if (!model_) ThrowError(env, "model was disposed");
    return model_;
  }

  Napi::Value SetCheckpointing(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Live(env)->set_checkpointing(args::Bool(info[0], args::Param("setCheckpointing", "on")));
    return env.Undefined();
  }

  Napi::Value SetFoldBatchNorm(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Live(env)->set_fold_batch_norm(args::Bool(info[0], args::Param("setFoldBatchNorm", "on")));
    return env.Undefined();
  }

  // Releases the module's parameters and buffers now rather than at garbage collection.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    model_ = model::SegModel(nullptr);
    return info.Env().Undefined();
  }

  // forward(x, {grad?: boolean}) -> {backbone, aux, main, pixelFeatures}
  Napi::Value Forward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const at::Tensor x = TensorHandle::FromJs(info[0]);
    bool grad = true;
    if (info[1].IsObject()) {
      grad = args::Optional(info[1].As<Napi::Object>().Get("grad"), args::Field("forward(x, options)", "grad"), args::Bool)
                 .value_or(true);
    }
    const model::SegOutput out = Guard(env, [&] {
      c10::optional<torch::NoGradGuard> no_grad;
      if (!grad) no_grad.emplace();
      return Live(env)->forward(x);
    });
    Napi::Object result = Napi::Object::New(env);
    result.Set("backbone", TensorHandle::Wrap(env, out.backbone));
    result.Set("aux", TensorHandle::Wrap(env, out.aux));
    result.Set("main", TensorHandle::Wrap(env, out.main));
    result.Set("pixelFeatures", TensorHandle::Wrap(env, out.pixel_features));
    return result;
  }

  Napi::Value Train(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Live(env)->train(args::Optional(info[0], args::Param("train", "on"), args::Bool).value_or(true));
    return env.Undefined();
  }

  Napi::Value IsTraining(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), Live(info.Env())->is_training());
  }

  Napi::Value StateDict(const Napi::CallbackInfo& info) {
    return NamedToJs(info.Env(), model::StateDictEntries(Live(info.Env())));
  }

  Napi::Value NamedParameters(const Napi::CallbackInfo& info) {
    return NamedToJs(info.Env(), model::NamedParameters(Live(info.Env())));
  }

  Napi::Value NamedBuffers(const Napi::CallbackInfo& info) {
    return NamedToJs(info.Env(), model::NamedBuffers(Live(info.Env())));
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
    Guard(env, [&] { model::ToChannelsLast(Live(env)); });
    return env.Undefined();
  }

  Napi::Value Config(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const model::ModelConfig& c = Live(env)->config();
    Napi::Object out = Napi::Object::New(env);
    out.Set("stemWidth", Napi::Number::New(env, c.stem));
    out.Set("stage1Width", Napi::Number::New(env, c.stage1_width));
    out.Set("stage1Blocks", Napi::Number::New(env, c.stage1_blocks));
    out.Set("widths", IntListToJs(env, c.widths));
    out.Set("blocks", Napi::Number::New(env, c.blocks));
    out.Set("modules", IntListToJs(env, c.modules));
    out.Set("pixelChannels", Napi::Number::New(env, c.pix));
    out.Set("keyChannels", Napi::Number::New(env, c.key));
    out.Set("classes", Napi::Number::New(env, c.classes));
    out.Set("rawIn", Napi::Number::New(env, c.RawIn()));
    return out;
  }

  model::SegModel model_{nullptr};
};

}  // namespace

namespace {

// inferenceConvs(): how this build runs folded inference convolutions, and how many ran by each path.
Napi::Value InferenceConvs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto facts = model::onednn::Info();
  const auto runs = model::CpuConvRuns();
  Napi::Object o = Napi::Object::New(env);
  o.Set("onednn", facts.linked);
  o.Set("onednnVersion", facts.linked ? Napi::Value(Napi::String::New(env, facts.version)) : env.Null());
  o.Set("winograd", facts.winograd);
  Napi::Object r = Napi::Object::New(env);
  r.Set("winograd", static_cast<double>(runs.winograd));
  r.Set("direct", static_cast<double>(runs.direct));
  r.Set("prepacked", static_cast<double>(runs.prepacked));
  r.Set("plain", static_cast<double>(runs.plain));
  o.Set("runs", r);
  return o;
}

Napi::Value SetWinograd(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBoolean()) ThrowTypeError(info.Env(), "setWinograd(on): on must be a boolean");
  model::onednn::SetWinograd(info[0].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

}  // namespace

void InitModel(Napi::Env env, Napi::Object exports) {
  ModelWrap::Init(env, exports);
  Export<InferenceConvs>(exports, "inferenceConvs");
  Export<SetWinograd>(exports, "setWinograd");
}

}  // namespace diga
