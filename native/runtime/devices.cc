// checkDevice(spec) -> the canonical name of a device this machine has.
#include "runtime/exports.h"

#include "util/args.h"
#include "util/errors.h"

namespace diga {

namespace {

Napi::Value CheckDevice(const Napi::CallbackInfo& info) {
  const c10::Device d = args::Device(info[0], args::Param("checkDevice", "device"));
  return Napi::String::New(info.Env(), d.str());
}

}  // namespace

void InitDevices(Napi::Env env, Napi::Object exports) { Export<CheckDevice>(exports, "checkDevice"); }

}  // namespace diga
