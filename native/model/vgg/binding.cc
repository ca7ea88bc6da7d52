// new Vgg19Features({widths}): forward(x, {grad?}) -> [relu1_1, relu2_1,
// relu3_1, relu4_1, relu5_1].
#include "model/vgg/binding.h"

#include "model/net_wrap.h"
#include "model/vgg/vgg19.h"
#include "tensor/convert.h"

namespace diga {
namespace {

using model::vgg::Vgg19Config;
using model::vgg::Vgg19Features;

struct VggTraits {
  using Holder = Vgg19Features;
  static constexpr const char* kName = "Vgg19Features";

  static Holder Build(const Napi::CallbackInfo& info) {
    constexpr const char* fn = "new Vgg19Features(config)";
    Napi::Object obj = args::Object(info[0], args::Param(fn, "config"), "an object with widths");
    Vgg19Config c;
    c.widths = args::IntArray<5>(obj.Get("widths"), args::Field(fn, "widths"));
    return Vgg19Features(c);
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
    Napi::Object out = Napi::Object::New(env);
    out.Set("widths", IntListToJs(env, net->config().widths));
    return out;
  }

  template <class Wrap>
  static void AddMethods(std::vector<typename Wrap::PropertyDescriptor>&) {}
};

}  // namespace

void InitVgg(Napi::Env env, Napi::Object exports) { model::NetWrap<VggTraits>::Init(env, exports); }

}  // namespace diga
