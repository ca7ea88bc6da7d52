#pragma once
#include <napi.h>
namespace diga {
// info(), setNumThreads(), memory(), manualSeed(), cuda helpers, autocast state.
void InitRuntime(Napi::Env env, Napi::Object exports);
}  // namespace diga
