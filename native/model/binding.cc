// `new Model(config)`: the network lives in C++; JS sees its tensors through
// TensorHandles that share the module's storage, and calls forward() as one
// native step (the whole network runs without crossing into JS).
#include "model/binding.h"

#include <array>
#include <cmath>
#include <string>

#include "model/seg_model.h"
#include "tensor/handle.h"
#include "util/errors.h"

namespace diga {
namespace {

// A JS number that is an exact integer well inside int64 (no UB on the cast).
bool AsInteger(const Napi::Value& v, int64_t* out) {
  if (!v.IsNumber()) return false;
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740991.0) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "nothing";
  if (v.IsNumber() || v.IsBoolean()) return v.ToString().Utf8Value();
  if (v.IsString()) return "the string '" + v.As<Napi::String>().Utf8Value() + "'";
  return v.IsArray() ? "an array" : "an object";
}

int64_t IntField(Napi::Env env, const Napi::Object& obj, const char* key) {
  Napi::Value v = obj.Get(key);
  int64_t out = 0;
  if (!AsInteger(v, &out)) {
    ThrowTypeError(env, std::string("model config: '") + key + "' must be an integer, got " +
                            Describe(v));
  }
  return out;
}

template <size_t N>
std::array<int64_t, N> IntArrayField(Napi::Env env, const Napi::Object& obj, const char* key) {
  Napi::Value v = obj.Get(key);
  const std::string what = std::string("model config: '") + key + "' must be an array of " +
                           std::to_string(N) + " integers";
  if (!v.IsArray() || v.As<Napi::Array>().Length() != N) ThrowTypeError(env, what);
  Napi::Array arr = v.As<Napi::Array>();
  std::array<int64_t, N> out{};
  for (uint32_t i = 0; i < N; ++i) {
    if (!AsInteger(arr.Get(i), &out[i])) ThrowTypeError(env, what);
  }
  return out;
}

model::ModelConfig ConfigFromJs(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) {
    ThrowTypeError(env,
                   "new Model(config): config must be an object with stemWidth, stage1Width, "
                   "stage1Blocks, widths, blocks, modules, pixelChannels, keyChannels, classes");
  }
  Napi::Object obj = value.As<Napi::Object>();
  model::ModelConfig c;
  c.stem = IntField(env, obj, "stemWidth");
  c.stage1_width = IntField(env, obj, "stage1Width");
  c.stage1_blocks = IntField(env, obj, "stage1Blocks");
  c.widths = IntArrayField<4>(env, obj, "widths");
  c.blocks = IntField(env, obj, "blocks");
  c.modules = IntArrayField<3>(env, obj, "modules");
  c.pix = IntField(env, obj, "pixelChannels");
  c.key = IntField(env, obj, "keyChannels");
  c.classes = IntField(env, obj, "classes");
  return c;
}

Napi::Array NamedToJs(Napi::Env env, const model::NamedTensors& entries) {
  Napi::Array out = Napi::Array::New(env, entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::String::New(env, entries[i].first));
    pair.Set(1u, TensorHandle::Wrap(env, entries[i].second));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

Napi::Array IntsToJs(Napi::Env env, const int64_t* values, size_t n) {
  Napi::Array out = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; ++i) {
    out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(values[i])));
  }
  return out;
}

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
        });
    exports.Set("Model", ctor);
  }

  explicit ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
    Napi::Env env = info.Env();
    const model::ModelConfig config = ConfigFromJs(env, info[0]);
    DIGA_TRY
    model_ = model::SegModel(config);
    DIGA_CATCH(env)
  }

 private:
  // The module, or a clear error once dispose() has released it.
  model::SegModel& Live(Napi::Env env) {
    if (!model_) ThrowError(env, "model was disposed");
    return model_;
  }

  Napi::Value SetCheckpointing(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Live(env)->set_checkpointing(info[0].ToBoolean().Value());
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
    if (info.Length() > 1 && info[1].IsObject()) {
      Napi::Value g = info[1].As<Napi::Object>().Get("grad");
      if (!g.IsUndefined()) {
        if (!g.IsBoolean()) {
          ThrowTypeError(env, "forward(x, options): options.grad must be a boolean");
        }
        grad = g.As<Napi::Boolean>().Value();
      }
    }
    model::SegOutput out;
    DIGA_TRY
    if (grad) {
      out = Live(env)->forward(x);
    } else {
      torch::NoGradGuard no_grad;
      out = Live(env)->forward(x);
    }
    DIGA_CATCH(env)
    Napi::Object result = Napi::Object::New(env);
    result.Set("backbone", TensorHandle::Wrap(env, out.backbone));
    result.Set("aux", TensorHandle::Wrap(env, out.aux));
    result.Set("main", TensorHandle::Wrap(env, out.main));
    result.Set("pixelFeatures", TensorHandle::Wrap(env, out.pixel_features));
    return result;
  }

  Napi::Value Train(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bool on = true;
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsBoolean()) ThrowTypeError(env, "train(on): on must be a boolean");
      on = info[0].As<Napi::Boolean>().Value();
    }
    Live(env)->train(on);
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
    if (!info[0].IsString()) {
      ThrowTypeError(env, "to(device): device must be a string such as 'cpu' or 'cuda:0'");
    }
    const std::string device = info[0].As<Napi::String>().Utf8Value();
    DIGA_TRY
    Live(env)->to(torch::Device(device));
    DIGA_CATCH(env)
    return env.Undefined();
  }

  Napi::Value ChannelsLast(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DIGA_TRY
    model::ToChannelsLast(Live(env));
    DIGA_CATCH(env)
    return env.Undefined();
  }

  Napi::Value Config(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const model::ModelConfig& c = Live(env)->config();
    Napi::Object out = Napi::Object::New(env);
    out.Set("stemWidth", Napi::Number::New(env, c.stem));
    out.Set("stage1Width", Napi::Number::New(env, c.stage1_width));
    out.Set("stage1Blocks", Napi::Number::New(env, c.stage1_blocks));
    out.Set("widths", IntsToJs(env, c.widths.data(), c.widths.size()));
    out.Set("blocks", Napi::Number::New(env, c.blocks));
    out.Set("modules", IntsToJs(env, c.modules.data(), c.modules.size()));
    out.Set("pixelChannels", Napi::Number::New(env, c.pix));
    out.Set("keyChannels", Napi::Number::New(env, c.key));
    out.Set("classes", Napi::Number::New(env, c.classes));
    out.Set("rawIn", Napi::Number::New(env, c.RawIn()));
    return out;
  }

  model::SegModel model_{nullptr};
};

}  // namespace

void InitModel(Napi::Env env, Napi::Object exports) { ModelWrap::Init(env, exports); }

}  // namespace diga
