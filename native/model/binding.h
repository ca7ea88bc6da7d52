// JS binding of the segmentation network: the `Model` class on the addon's exports.
#pragma once

#include <napi.h>

namespace diga {

void InitModel(Napi::Env env, Napi::Object exports);

}  // namespace diga
