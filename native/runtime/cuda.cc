#include "runtime/cuda.h"

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

}  // namespace diga
