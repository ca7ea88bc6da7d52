// JS binding of the DeepLabV2 network: the `DeepLabV2` class on the addon's exports.
#pragma once

#include <napi.h>

namespace diga {

void InitDeepLab(Napi::Env env, Napi::Object exports);

}  // namespace diga
