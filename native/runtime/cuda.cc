// CUDA: device facts and allocator figures (compiled only when the libtorch
// found has CUDA; the CPU build answers "no devices"), and the JS functions
// that synchronise and tune the devices.
#include "runtime/cuda.h"

#include "runtime/exports.h"
#include "util/args.h"
#include "util/errors.h"

#include <ATen/Context.h>
#include <torch/cuda.h>

#ifdef DIGA_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#endif

#include <stdexcept>

namespace diga {

#ifdef DIGA_WITH_CUDA
bool BuiltWithCuda() { return true; }

std::vector<CudaDeviceInfo> CudaDevices() {
  std::vector<CudaDeviceInfo> out;
  const int n = static_cast<int>(torch::cuda::device_count());
  for (int i = 0; i < n; ++i) {
    const cudaDeviceProp* p = at::cuda::getDeviceProperties(i);
    out.push_back({i, p->name, static_cast<int64_t>(p->totalGlobalMem), p->major, p->minor});
  }
  return out;
}

CudaMemory CudaMemoryOf(int device) {
  CudaMemory m;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
  // StatType::AGGREGATE is entry 0 in every version; the enum itself moved
  // from c10::cuda::CUDACachingAllocator to c10::CachingDeviceAllocator in 2.5.
  constexpr size_t all = 0;
  m.allocated = stats.allocated_bytes[all].current;
  m.reserved = stats.reserved_bytes[all].current;
  m.peak_allocated = stats.allocated_bytes[all].peak;
  return m;
}

void CudaResetPeak(int device) { c10::cuda::CUDACachingAllocator::resetPeakStats(device); }

void CudaSynchronize(int device) {
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
  c10::cuda::device_synchronize();
}

void CudaEmptyCache() { c10::cuda::CUDACachingAllocator::emptyCache(); }
#else
bool BuiltWithCuda() { return false; }
std::vector<CudaDeviceInfo> CudaDevices() { return {}; }
CudaMemory CudaMemoryOf(int) { return {}; }
void CudaResetPeak(int) {}
void CudaSynchronize(int) {
  throw std::runtime_error("CUDA is not available: this addon was built against a CPU-only libtorch");
}
void CudaEmptyCache() {}
#endif

namespace {

// The index of the CUDA device info[0] names; 0 when left out.
int DeviceIndexArg(const Napi::CallbackInfo& info, const char* fn) {
  const auto d = args::Optional(info[0], args::Param(fn, "device"), args::Device);
  return d && d->has_index() ? d->index() : 0;
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  CudaSynchronize(DeviceIndexArg(info, "cudaSynchronize"));
  return info.Env().Undefined();
}

Napi::Value ResetPeakStats(const Napi::CallbackInfo& info) {
  CudaResetPeak(DeviceIndexArg(info, "cudaResetPeakStats"));
  return info.Env().Undefined();
}

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  CudaEmptyCache();
  return info.Env().Undefined();
}

// cuDNN autotuning: pick the fastest convolution algorithms per input shape.
Napi::Value SetCudnnBenchmark(const Napi::CallbackInfo& info) {
  at::globalContext().setBenchmarkCuDNN(args::Bool(info[0], args::Param("setCudnnBenchmark", "on")));
  return info.Env().Undefined();
}

}  // namespace

void InitCuda(Napi::Env env, Napi::Object exports) {
  Export<Synchronize>(exports, "cudaSynchronize");
  Export<ResetPeakStats>(exports, "cudaResetPeakStats");
  Export<EmptyCache>(exports, "cudaEmptyCache");
  Export<SetCudnnBenchmark>(exports, "setCudnnBenchmark");
}

}  // namespace diga
