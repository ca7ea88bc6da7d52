// The runtime's JS functions, one file each concern; each Init* adds its
// functions to the addon's exports.
#pragma once

#include <napi.h>

namespace diga {

// info(): versions, build settings, BLAS, devices (versions.cc).
void InitVersions(Napi::Env env, Napi::Object exports);
// setNumThreads(), getNumThreads() (threads.cc).
void InitThreads(Napi::Env env, Napi::Object exports);
// memory(): live tensors, host bytes, CUDA allocator figures (memory.cc).
void InitMemory(Napi::Env env, Napi::Object exports);
// cpuCache(), cpuCacheEmpty(): the caching allocator of large CPU tensors (cpu_cache.cc).
void InitCpuCache(Napi::Env env, Napi::Object exports);
// manualSeed(), getRngState(), setRngState() (rng.cc).
void InitRng(Napi::Env env, Napi::Object exports);
// setAutocast() (autocast.cc).
void InitAutocast(Napi::Env env, Napi::Object exports);
// checkDevice() (devices.cc).
void InitDevices(Napi::Env env, Napi::Object exports);
// cudaSynchronize(), cudaResetPeakStats(), cudaEmptyCache(), setCudnnBenchmark() (cuda.cc).
void InitCuda(Napi::Env env, Napi::Object exports);

}  // namespace diga
