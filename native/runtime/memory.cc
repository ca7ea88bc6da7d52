// memory(): what the live tensor handles hold, and each CUDA device's allocator figures.
#include "runtime/exports.h"

#include "runtime/cuda.h"
#include "tensor/buffer.h"
#include "tensor/registry.h"
#include "util/errors.h"

namespace diga {

namespace {

Napi::Value Memory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ReleaseFreedBuffers(env);
  const MemoryStats s = Registry::Get().Stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("numTensors", static_cast<double>(s.tensors));
  o.Set("numStorages", static_cast<double>(s.storages));
  o.Set("cpuBytes", static_cast<double>(s.cpu_bytes));
  Napi::Array cuda = Napi::Array::New(env);
  for (const auto& d : CudaDevices()) {
    const CudaMemory m = CudaMemoryOf(d.index);
    Napi::Object g = Napi::Object::New(env);
    g.Set("device", "cuda:" + std::to_string(d.index));
    g.Set("allocated", static_cast<double>(m.allocated));
    g.Set("reserved", static_cast<double>(m.reserved));
    g.Set("peakAllocated", static_cast<double>(m.peak_allocated));
    cuda.Set(cuda.Length(), g);
  }
  o.Set("cuda", cuda);
  return o;
}

}  // namespace

void InitMemory(Napi::Env env, Napi::Object exports) { Export<Memory>(exports, "memory"); }

}  // namespace diga
