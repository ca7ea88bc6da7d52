// new ImageEncoder({dim, resample, resBlocks, imageChannels}),
// new ImageDecoder({...the same}), new Discriminator({dim, layers, scales,
// imageChannels}). forward(x, {grad?}) returns a tensor (the discriminator: an
// array of score maps, finest first).
#include "model/translator/binding.h"

#include "model/net_wrap.h"
#include "model/translator/codec.h"
#include "model/translator/discriminator.h"

namespace diga {
namespace {

using namespace model::translator;

int64_t IntField(const Napi::Object& obj, const char* fn, const char* key) {
  return args::Int(obj.Get(key), args::Field(fn, key));
}

CodecConfig CodecFromJs(const Napi::Value& value, const char* fn) {
  Napi::Object obj = args::Object(value, args::Param(fn, "config"), "an object with dim, resample, resBlocks, imageChannels");
  CodecConfig c;
  c.dim = IntField(obj, fn, "dim");
  c.resample = IntField(obj, fn, "resample");
  c.res_blocks = IntField(obj, fn, "resBlocks");
  c.image_channels = IntField(obj, fn, "imageChannels");
  return c;
}

Napi::Value CodecToJs(Napi::Env env, const CodecConfig& c) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("dim", Napi::Number::New(env, c.dim));
  out.Set("resample", Napi::Number::New(env, c.resample));
  out.Set("resBlocks", Napi::Number::New(env, c.res_blocks));
  out.Set("imageChannels", Napi::Number::New(env, c.image_channels));
  return out;
}

template <class Holder>
Napi::Value ForwardOne(const Napi::CallbackInfo& info, Holder& net) {
  const at::Tensor x = TensorHandle::FromJs(info[0]);
  at::Tensor y = model::WithGradOption(info, 1, "forward(x, options)", [&] { return net->forward(x); });
  return TensorHandle::Wrap(info.Env(), y);
}

struct EncoderTraits {
  using Holder = ImageEncoder;
  static constexpr const char* kName = "ImageEncoder";
  static Holder Build(const Napi::CallbackInfo& info) { return ImageEncoder(CodecFromJs(info[0], "new ImageEncoder(config)")); }
  static Napi::Value Forward(const Napi::CallbackInfo& info, Holder& net) { return ForwardOne(info, net); }
  static Napi::Value Config(Napi::Env env, Holder& net) { return CodecToJs(env, net->config()); }
  template <class Wrap>
  static void AddMethods(std::vector<typename Wrap::PropertyDescriptor>&) {}
};

struct DecoderTraits {
  using Holder = ImageDecoder;
  static constexpr const char* kName = "ImageDecoder";
  static Holder Build(const Napi::CallbackInfo& info) { return ImageDecoder(CodecFromJs(info[0], "new ImageDecoder(config)")); }
  static Napi::Value Forward(const Napi::CallbackInfo& info, Holder& net) { return ForwardOne(info, net); }
  static Napi::Value Config(Napi::Env env, Holder& net) { return CodecToJs(env, net->config()); }
  template <class Wrap>
  static void AddMethods(std::vector<typename Wrap::PropertyDescriptor>&) {}
};

struct DiscriminatorTraits {
  using Holder = Discriminator;
  static constexpr const char* kName = "Discriminator";
  static Holder Build(const Napi::CallbackInfo& info) {
    constexpr const char* fn = "new Discriminator(config)";
    Napi::Object obj = args::Object(info[0], args::Param(fn, "config"), "an object with dim, layers, scales, imageChannels");
    DiscriminatorConfig c;
    c.dim = IntField(obj, fn, "dim");
    c.layers = IntField(obj, fn, "layers");
    c.scales = IntField(obj, fn, "scales");
    c.image_channels = IntField(obj, fn, "imageChannels");
    return Discriminator(c);
  }
  static Napi::Value Forward(const Napi::CallbackInfo& info, Holder& net) {
    Napi::Env env = info.Env();
    const at::Tensor x = TensorHandle::FromJs(info[0]);
    const auto outs = model::WithGradOption(info, 1, "forward(x, options)", [&] { return net->forward(x); });
    Napi::Array result = Napi::Array::New(env, outs.size());
    for (size_t i = 0; i < outs.size(); ++i) result.Set(static_cast<uint32_t>(i), TensorHandle::Wrap(env, outs[i]));
    return result;
  }
  static Napi::Value Config(Napi::Env env, Holder& net) {
    const DiscriminatorConfig& c = net->config();
    Napi::Object out = Napi::Object::New(env);
    out.Set("dim", Napi::Number::New(env, c.dim));
    out.Set("layers", Napi::Number::New(env, c.layers));
    out.Set("scales", Napi::Number::New(env, c.scales));
    out.Set("imageChannels", Napi::Number::New(env, c.image_channels));
    return out;
  }
  template <class Wrap>
  static void AddMethods(std::vector<typename Wrap::PropertyDescriptor>&) {}
};

}  // namespace

void InitTranslator(Napi::Env env, Napi::Object exports) {
  model::NetWrap<EncoderTraits>::Init(env, exports);
  model::NetWrap<DecoderTraits>::Init(env, exports);
  model::NetWrap<DiscriminatorTraits>::Init(env, exports);
}

}  // namespace diga
