// JS bindings of the image translator's networks: the `ImageEncoder`,
// `ImageDecoder` and `Discriminator` classes on the addon's exports.
#pragma once

#include <napi.h>

namespace diga {

void InitTranslator(Napi::Env env, Napi::Object exports);

}  // namespace diga
