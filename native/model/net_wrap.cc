#include "model/net_wrap.h"

namespace diga::model {

Napi::Array NamedToJs(Napi::Env env, const NamedTensors& entries) {
  Napi::Array out = Napi::Array::New(env, entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::String::New(env, entries[i].first));
    pair.Set(1u, TensorHandle::Wrap(env, entries[i].second));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

}  // namespace diga::model
