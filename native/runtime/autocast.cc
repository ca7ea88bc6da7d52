// Autocast (automatic mixed precision) state per device type.
#include "runtime/exports.h"

#include "util/args.h"
#include "util/dtype.h"
#include "util/errors.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace diga {

namespace {

// setAutocast(deviceType: 'cuda'|'cpu', enabled, dtype) -> previous {enabled, dtype}
Napi::Value SetAutocast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const args::Arg device_arg = args::Param("setAutocast", "deviceType");
  const std::string device = args::String(info[0], device_arg);
  if (device != "cuda" && device != "cpu") args::Fail(device_arg, "'cuda' or 'cpu'", info[0]);
  const bool enabled = args::Bool(info[1], args::Param("setAutocast", "enabled"));
  const at::ScalarType dtype = args::Dtype(info[2], args::Param("setAutocast", "dtype"));
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
}

}  // namespace

void InitAutocast(Napi::Env env, Napi::Object exports) { Export<SetAutocast>(exports, "setAutocast"); }

}  // namespace diga
