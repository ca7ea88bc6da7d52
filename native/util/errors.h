// Turning libtorch failures into JS exceptions. Every binding body runs inside
// DIGA_TRY/DIGA_CATCH so that no c10::Error or std::exception can reach Node's
// default handler (which would abort the process).
#pragma once

#include <napi.h>
#include <c10/util/Exception.h>

#include <string>

namespace diga {

// libtorch messages carry a long "Exception raised from ..." trailer in some
// builds; keep the first lines, which say what went wrong.
std::string CleanTorchMessage(const std::string& what);

[[noreturn]] inline void ThrowTypeError(Napi::Env env, const std::string& msg) {
  throw Napi::TypeError::New(env, msg);
}
[[noreturn]] inline void ThrowError(Napi::Env env, const std::string& msg) {
  throw Napi::Error::New(env, msg);
}

}  // namespace diga

#define DIGA_TRY try {
#define DIGA_CATCH(env)                                                  \
  }                                                                      \
  catch (const Napi::Error&) {                                           \
    throw;                                                               \
  }                                                                      \
  catch (const c10::Error& e) {                                          \
    throw Napi::Error::New(env, ::diga::CleanTorchMessage(e.what_without_backtrace())); \
  }                                                                      \
  catch (const std::exception& e) {                                      \
    throw Napi::Error::New(env, ::diga::CleanTorchMessage(e.what()));    \
  }
