// CUDA facts, compiled only when the libtorch found has CUDA; the CPU build
// answers "no devices" through the same functions. Its JS functions: exports.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace diga {

struct CudaDeviceInfo {
  int index = 0;
  std::string name;
  int64_t total_memory = 0;
  int major = 0;
  int minor = 0;
};

struct CudaMemory {
  int64_t allocated = 0;
  int64_t reserved = 0;
  int64_t peak_allocated = 0;
};

bool BuiltWithCuda();
std::vector<CudaDeviceInfo> CudaDevices();
CudaMemory CudaMemoryOf(int device);
void CudaResetPeak(int device);
void CudaSynchronize(int device);
void CudaEmptyCache();

}  // namespace diga
