// Turning libtorch failures into JS exceptions. No c10::Error or
// std::exception may leave a binding: Node's default handler would abort the
// process. Free functions get this by being exported through Export<>; class
// methods wrap their libtorch calls in Guard().
#pragma once

#include <napi.h>
#include <c10/util/Exception.h>

#include <exception>
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

// Runs `body` and returns what it returns; a libtorch or standard exception
// becomes a JS Error with the cleaned message (a Napi::Error passes as it is).
template <class Body>
decltype(auto) Guard(Napi::Env env, Body&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, CleanTorchMessage(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, CleanTorchMessage(e.what()));
  }
}

// A callback run inside Guard, in the shape Napi::Function::New takes.
template <Napi::Function::Callback F>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&info] { return F(info); });
}

// exports[name] = F, guarded.
template <Napi::Function::Callback F>
void Export(Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<Guarded<F>>(exports.Env(), name));
}

}  // namespace diga
