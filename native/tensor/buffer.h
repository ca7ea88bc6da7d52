#pragma once
#include <napi.h>
namespace diga {
// fromBuffer(data, dtype, shape, copy) / toBuffer(handle) / scalar item(handle)
void InitBuffers(Napi::Env env, Napi::Object exports);
// Releases JS buffers whose zero-copy tensors libtorch has freed (main thread only).
int64_t ReleaseFreedBuffers(napi_env env);
}  // namespace diga
