// JS binding of the VGG19 feature extractor: the `Vgg19Features` class on the addon's exports.
#pragma once

#include <napi.h>

namespace diga {

void InitVgg(Napi::Env env, Napi::Object exports);

}  // namespace diga
