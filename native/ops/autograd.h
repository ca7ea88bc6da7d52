#pragma once
#include <napi.h>
namespace diga {
void InitAutograd(Napi::Env env, Napi::Object exports);
}  // namespace diga
