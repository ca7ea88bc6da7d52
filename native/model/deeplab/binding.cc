// `new DeepLabV2(config)`: forward(x, {grad?}) -> {layer2, layer4, logits,
// features}; setDropoutKeep(mask) fixes the channels the next training-mode
// forward keeps (for replaying a recorded run); setCheckpointing(on)
// recomputes each Bottleneck in backward.
#include "model/deeplab/binding.h"

#include "model/deeplab/deeplab.h"
#include "model/net_wrap.h"
#include "tensor/convert.h"

namespace diga {
namespace {

using model::deeplab::DeepLabConfig;
using model::deeplab::DeepLabV2;

constexpr const char* kNew = "new DeepLabV2(config)";

DeepLabConfig ConfigFromJs(const Napi::Value& value) {
  args::Arg config{kNew};
  config.label = [](const void*) { return std::string("the model config"); };
  Napi::Object obj = args::Object(value, config,
                                  "an object with blocks, stemWidth, widths, branchWidth, groupNormGroups, "
                                  "seHidden, dilations, classes, dropout");
  auto field = [&obj](const char* key) { return args::Int(obj.Get(key), args::Field(kNew, key)); };
  DeepLabConfig c;
  c.blocks = args::IntArray<4>(obj.Get("blocks"), args::Field(kNew, "blocks"));
  c.stem = field("stemWidth");
  c.widths = args::IntArray<4>(obj.Get("widths"), args::Field(kNew, "widths"));
  c.branch = field("branchWidth");
  c.gn_groups = field("groupNormGroups");
  c.se_hidden = field("seHidden");
  c.dilations = args::IntArray<4>(obj.Get("dilations"), args::Field(kNew, "dilations"));
  c.classes = field("classes");
  c.dropout = args::Double(obj.Get("dropout"), args::Field(kNew, "dropout"));
  return c;
}

struct DeepLabTraits {
  using Holder = DeepLabV2;
  static constexpr const char* kName = "DeepLabV2";

  static Holder Build(const Napi::CallbackInfo& info) { return DeepLabV2(ConfigFromJs(info[0])); }

  static Napi::Value Forward(const Napi::CallbackInfo& info, Holder& net) {
    Napi::Env env = info.Env();
    const at::Tensor x = TensorHandle::FromJs(info[0]);
    const auto out = model::WithGradOption(info, 1, "forward(x, options)", [&] { return net->forward(x); });
    Napi::Object result = Napi::Object::New(env);
    result.Set("layer2", TensorHandle::Wrap(env, out.layer2));
    result.Set("layer4", TensorHandle::Wrap(env, out.layer4));
    result.Set("logits", TensorHandle::Wrap(env, out.logits));
    result.Set("features", TensorHandle::Wrap(env, out.features));
    return result;
  }

  static Napi::Value Config(Napi::Env env, Holder& net) {
    const DeepLabConfig& c = net->config();
    Napi::Object out = Napi::Object::New(env);
    out.Set("blocks", IntListToJs(env, c.blocks));
    out.Set("stemWidth", Napi::Number::New(env, c.stem));
    out.Set("widths", IntListToJs(env, c.widths));
    out.Set("branchWidth", Napi::Number::New(env, c.branch));
    out.Set("groupNormGroups", Napi::Number::New(env, c.gn_groups));
    out.Set("seHidden", Napi::Number::New(env, c.se_hidden));
    out.Set("dilations", IntListToJs(env, c.dilations));
    out.Set("classes", Napi::Number::New(env, c.classes));
    out.Set("dropout", Napi::Number::New(env, c.dropout));
    out.Set("headIn", Napi::Number::New(env, c.HeadIn()));
    return out;
  }

  // setDropoutKeep(mask): N x branch x 1 x 1 of 0/1, used by the next training-mode forward.
  static Napi::Value SetDropoutKeep(const Napi::CallbackInfo& info, Holder& net) {
    const at::Tensor keep = TensorHandle::FromJs(info[0]);
    if (keep.dim() != 4 || !keep.eq(0).logical_or(keep.eq(1)).all().item<bool>()) {
      ThrowTypeError(info.Env(), "setDropoutKeep: the mask must be an N x C x 1 x 1 tensor of 0 and 1");
    }
    net->head().dropout().set_next_keep(keep.detach());
    return info.Env().Undefined();
  }

  static Napi::Value SetCheckpointing(const Napi::CallbackInfo& info, Holder& net) {
    net->set_checkpointing(args::Bool(info[0], args::Param("setCheckpointing", "on")));
    return info.Env().Undefined();
  }

  template <class Wrap>
  static void AddMethods(std::vector<typename Wrap::PropertyDescriptor>& methods) {
    methods.push_back(Wrap::InstanceMethod("setDropoutKeep", &Wrap::template Call<&SetDropoutKeep>));
    methods.push_back(Wrap::InstanceMethod("setCheckpointing", &Wrap::template Call<&SetCheckpointing>));
  }
};

}  // namespace

void InitDeepLab(Napi::Env env, Napi::Object exports) { model::NetWrap<DeepLabTraits>::Init(env, exports); }

}  // namespace diga
