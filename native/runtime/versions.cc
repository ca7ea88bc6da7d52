// Versions and build facts: the libtorch built against and loaded, the BLAS
// the process loaded, threads, devices; info() reports them to JS.
#include "runtime/versions.h"

#include "runtime/cuda.h"
#include "runtime/exports.h"
#include "util/errors.h"

#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <fstream>

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

Napi::Array DevicesToJs(Napi::Env env) {
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
  return devices;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
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
  o.Set("devices", DevicesToJs(env));
  return o;
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

void InitVersions(Napi::Env env, Napi::Object exports) { Export<Info>(exports, "info"); }

}  // namespace diga
