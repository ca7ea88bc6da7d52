#pragma once
#include <napi.h>
namespace diga {
void InitBench(Napi::Env env, Napi::Object exports);
}  // namespace diga
