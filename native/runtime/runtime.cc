#include "runtime/runtime.h"

#include "runtime/cuda.h"
#include "tensor/buffer.h"
#include "tensor/convert.h"
#include "tensor/handle.h"
#include "tensor/registry.h"
#include "util/errors.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <ATen/CPUGeneratorImpl.h>

#include <fstream>
#include <mutex>

namespace diga {

namespace {

// Which BLAS the process actually loaded (Debian switches libblas.so.3
// between the reference BLAS and OpenBLAS through alternatives).
std::string LoadedBlas() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::string found;
  while (std::getline(maps, line)) {
    const auto slash = line.rfind('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(line.find('/'));
    if (path.find("openblas") != std::string::npos) return path;
    if (path.find("libmkl") != std::string::npos) return path;
    if (path.find("/libblas.so") != std::string::npos || path.find("/blas/") != std::string::npos) found = path;
  }
  return found;
}

}  // namespace

std::string LoadedTorchVersion() {
  const std::string config = at::show_config();
  const std::string key = "TORCH_VERSION=";
  const auto at = config.find(key);
  if (at == std::string::npos) return "";
  const auto end = config.find_first_of(", \n", at + key.size());
  return config.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

void CheckTorchVersion(Napi::Env env) {
  const std::string loaded = LoadedTorchVersion();
  const std::string built = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR);
  // Same major.minor or nothing to compare with (a build that does not record it).
  if (loaded.empty() || loaded.rfind(built + ".", 0) == 0 || loaded == built) return;
  ThrowError(env, "the diga addon was built against libtorch " + built + " but libtorch " + loaded +
                      " was loaded; rebuild it for this libtorch (npm run build:native, with LIBTORCH "
                      "pointing at it) or make the libtorch it was built with the one found first "
                      "(LD_LIBRARY_PATH)");
}

namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  Napi::Object o = Napi::Object::New(env);
  o.Set("torchVersion", TORCH_VERSION);
  o.Set("torchVersionMajor", TORCH_VERSION_MAJOR);
  o.Set("torchVersionMinor", TORCH_VERSION_MINOR);
  o.Set("torchVersionPatch", TORCH_VERSION_PATCH);
  o.Set("loadedTorchVersion", LoadedTorchVersion());
  o.Set("builtWithCuda", BuiltWithCuda());
  o.Set("cudaAvailable", torch::cuda::is_available());
  o.Set("cudnnAvailable", torch::cuda::cudnn_is_available());
  auto& hooks = at::detail::getCUDAHooks();
  if (hooks.hasCuDNN()) o.Set("cudnnVersion", static_cast<double>(hooks.versionCuDNN()));
  else o.Set("cudnnVersion", env.Null());
  o.Set("numThreads", at::get_num_threads());
  o.Set("numInteropThreads", at::get_num_interop_threads());
  o.Set("mkldnn", at::hasMKLDNN());
  o.Set("openmp", at::hasOpenMP());
  o.Set("blas", LoadedBlas());
  o.Set("config", at::show_config());
  o.Set("parallelInfo", at::get_parallel_info());
  Napi::Array devices = Napi::Array::New(env);
  Napi::Object cpu = Napi::Object::New(env);
  cpu.Set("device", "cpu");
  devices.Set(0u, cpu);
  for (const auto& d : CudaDevices()) {
    Napi::Object g = Napi::Object::New(env);
    g.Set("device", "cuda:" + std::to_string(d.index));
    g.Set("name", d.name);
    g.Set("totalMemory", static_cast<double>(d.total_memory));
    g.Set("capability", std::to_string(d.major) + "." + std::to_string(d.minor));
    devices.Set(devices.Length(), g);
  }
  o.Set("devices", devices);
  return o;
  DIGA_CATCH(env)
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || info[0].As<Napi::Number>().Int32Value() < 1) {
    ThrowTypeError(env, "setNumThreads: expected a positive integer");
  }
  DIGA_TRY
  at::set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return env.Undefined();
  DIGA_CATCH(env)
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

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

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) ThrowTypeError(env, "manualSeed: expected an integer seed");
  DIGA_TRY
  torch::manual_seed(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
  return env.Undefined();
  DIGA_CATCH(env)
}

int DeviceIndexArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsString()) return 0;
  c10::Device d = ParseDevice(info.Env(), info[i].As<Napi::String>().Utf8Value());
  return d.has_index() ? d.index() : 0;
}

Napi::Value CudaSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  CudaSynchronize(DeviceIndexArg(info, 0));
  return env.Undefined();
  DIGA_CATCH(env)
}

Napi::Value CudaResetPeakStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  CudaResetPeak(DeviceIndexArg(info, 0));
  return env.Undefined();
  DIGA_CATCH(env)
}

Napi::Value CudaEmpty(const Napi::CallbackInfo& info) {
  CudaEmptyCache();
  return info.Env().Undefined();
}

// setAutocast(deviceType: 'cuda'|'cpu', enabled, dtype) -> previous {enabled, dtype}
Napi::Value SetAutocast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string device = info[0].As<Napi::String>().Utf8Value();
  const bool enabled = info[1].ToBoolean().Value();
  DIGA_TRY
  const at::ScalarType dtype = ParseDtype(env, info[2].As<Napi::String>().Utf8Value());
  Napi::Object prev = Napi::Object::New(env);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  const c10::DeviceType type = device == "cuda" ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
  prev.Set("enabled", at::autocast::is_autocast_enabled(type));
  prev.Set("dtype", DtypeName(at::autocast::get_autocast_dtype(type)));
  at::autocast::set_autocast_enabled(type, enabled);
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (device == "cuda") {
    prev.Set("enabled", at::autocast::is_enabled());
    prev.Set("dtype", DtypeName(at::autocast::get_autocast_gpu_dtype()));
    at::autocast::set_enabled(enabled);
    at::autocast::set_autocast_gpu_dtype(dtype);
  } else {
    prev.Set("enabled", at::autocast::is_cpu_enabled());
    prev.Set("dtype", DtypeName(at::autocast::get_autocast_cpu_dtype()));
    at::autocast::set_cpu_enabled(enabled);
    at::autocast::set_autocast_cpu_dtype(dtype);
  }
#endif
  // Cached casts belong to one autocast region.
  if (!enabled) at::autocast::clear_cache();
  return prev;
  DIGA_CATCH(env)
}

// The default generator of a device (what torch.get_rng_state / set_rng_state act on).
at::Generator DefaultGenerator(Napi::Env env, const std::string& spec) {
  c10::Device d = ParseDevice(env, spec);
  // Context::defaultGenerator is the spelling that exists in libtorch 1.13 and 2.x alike.
  if (d.is_cuda()) return at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, d.has_index() ? d.index() : 0));
  return at::detail::getDefaultCPUGenerator();
}

Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  at::Generator gen = DefaultGenerator(env, info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "cpu");
  std::lock_guard<std::mutex> lock(gen.mutex());
  return TensorHandle::Wrap(env, gen.get_state());
  DIGA_CATCH(env)
}

Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIGA_TRY
  at::Tensor state = TensorHandle::FromJs(info[0]);
  at::Generator gen = DefaultGenerator(env, info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "cpu");
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return env.Undefined();
  DIGA_CATCH(env)
}

// cuDNN autotuning: pick the fastest convolution algorithms per input shape.
Napi::Value SetCudnnBenchmark(const Napi::CallbackInfo& info) {
  at::globalContext().setBenchmarkCuDNN(info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

Napi::Value CheckDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowTypeError(env, "device must be a string such as 'cpu' or 'cuda:0'");
  c10::Device d = ParseDevice(env, info[0].As<Napi::String>().Utf8Value());
  return Napi::String::New(env, d.str());
}

}  // namespace

void InitRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New<Info>(env, "info"));
  exports.Set("setNumThreads", Napi::Function::New<SetNumThreads>(env, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New<GetNumThreads>(env, "getNumThreads"));
  exports.Set("memory", Napi::Function::New<Memory>(env, "memory"));
  exports.Set("manualSeed", Napi::Function::New<ManualSeed>(env, "manualSeed"));
  exports.Set("cudaSynchronize", Napi::Function::New<CudaSync>(env, "cudaSynchronize"));
  exports.Set("cudaResetPeakStats", Napi::Function::New<CudaResetPeakStats>(env, "cudaResetPeakStats"));
  exports.Set("cudaEmptyCache", Napi::Function::New<CudaEmpty>(env, "cudaEmptyCache"));
  exports.Set("setAutocast", Napi::Function::New<SetAutocast>(env, "setAutocast"));
  exports.Set("checkDevice", Napi::Function::New<CheckDevice>(env, "checkDevice"));
  exports.Set("setCudnnBenchmark", Napi::Function::New<SetCudnnBenchmark>(env, "setCudnnBenchmark"));
  exports.Set("getRngState", Napi::Function::New<GetRngState>(env, "getRngState"));
  exports.Set("setRngState", Napi::Function::New<SetRngState>(env, "setRngState"));
}

}  // namespace diga
