// Which libtorch the addon was built against and which one is loaded.
#pragma once

#include <napi.h>

#include <string>

namespace diga {

// The version of the libtorch loaded at run time (from its build settings), e.g. "1.13.0".
std::string LoadedTorchVersion();
// Throws a JS error when that libtorch's major.minor differs from the one the addon was built against.
void CheckTorchVersion(Napi::Env env);

}  // namespace diga
