#include "util/args.h"

#include "util/dtype.h"
#include "util/errors.h"

#include <torch/cuda.h>

#include <cmath>

namespace diga::args {

namespace {

// 2^63: doubles below it (and at or above -2^63) convert to int64 exactly.
constexpr double kInt64Bound = 9223372036854775808.0;
constexpr size_t kQuotedChars = 40;

std::string Label(const Arg& a) {
  return a.label ? a.label(a.of) : std::string(a.kind) + " '" + a.name + "'";
}

[[noreturn]] void Throw(Napi::Env env, const Arg& a, const std::string& label, const std::string& what,
                        const Napi::Value& got) {
  ThrowTypeError(env, (*a.fn ? std::string(a.fn) + ": " : std::string()) + label + " must be " + what +
                          ", got " + Describe(got));
}

std::string AvailableDevices() {
  std::string out = "cpu";
  const auto n = torch::cuda::device_count();
  for (size_t i = 0; i < n; ++i) out += ", cuda:" + std::to_string(i);
  return out;
}

c10::Device ParseDevice(Napi::Env env, const std::string& spec) {
  c10::Device device(c10::kCPU);
  try {
    device = c10::Device(spec);
  } catch (const c10::Error&) {
    ThrowError(env, "unknown device '" + spec + "' (expected cpu, cuda or cuda:N; available: " +
                        AvailableDevices() + ")");
  }
  if (device.is_cuda()) {
    const auto n = static_cast<int64_t>(torch::cuda::device_count());
    if (n == 0) {
      ThrowError(env, "device '" + spec +
                          "' requested but CUDA is not available in this build or on this machine "
                          "(available: cpu)");
    }
    if (device.has_index() && device.index() >= n) {
      ThrowError(env, "device '" + spec + "' does not exist (available: " + AvailableDevices() + ")");
    }
  } else if (!device.is_cpu()) {
    ThrowError(env, "device '" + spec + "' is not supported (available: " + AvailableDevices() + ")");
  }
  return device;
}

}  // namespace

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "nothing";
  if (v.IsNull()) return "null";
  if (v.IsNumber() || v.IsBoolean()) return v.ToString().Utf8Value();
  if (v.IsBigInt()) return v.ToString().Utf8Value() + "n";
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    if (s.size() > kQuotedChars) s = s.substr(0, kQuotedChars) + "...";
    return "the string '" + s + "'";
  }
  if (v.IsArray()) return "an array of length " + std::to_string(v.As<Napi::Array>().Length());
  if (v.IsFunction()) return "a function";
  if (v.IsSymbol()) return "a symbol";
  return "an object";
}

void Fail(const Arg& a, const std::string& what, const Napi::Value& got) {
  Throw(got.Env(), a, Label(a), what, got);
}

void FailElement(const Arg& a, uint32_t i, const std::string& what, const Napi::Value& got) {
  Throw(got.Env(), a, "element " + std::to_string(i) + " of " + Label(a), what, got);
}

bool TryInt(const Napi::Value& v, int64_t* out) {
  if (!v.IsNumber()) return false;
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || d < -kInt64Bound || d >= kInt64Bound) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

bool TryDouble(const Napi::Value& v, double* out) {
  if (!v.IsNumber()) return false;
  *out = v.As<Napi::Number>().DoubleValue();
  return true;
}

bool TryBool(const Napi::Value& v, bool* out) {
  if (!v.IsBoolean()) return false;
  *out = v.As<Napi::Boolean>().Value();
  return true;
}

int64_t Int(const Napi::Value& v, const Arg& a) {
  int64_t out = 0;
  if (!TryInt(v, &out)) Fail(a, "an integer", v);
  return out;
}

int64_t IntIn(const Napi::Value& v, const Arg& a, int64_t lo, int64_t hi) {
  int64_t out = 0;
  if (TryInt(v, &out) && out >= lo && out <= hi) return out;
  if (hi != std::numeric_limits<int64_t>::max()) Fail(a, "an integer in " + std::to_string(lo) + ".." + std::to_string(hi), v);
  Fail(a, lo == 1 ? "a positive integer" : lo == 0 ? "a non-negative integer" : "an integer >= " + std::to_string(lo), v);
}

double Double(const Napi::Value& v, const Arg& a) {
  double out = 0;
  if (!TryDouble(v, &out)) Fail(a, "a number", v);
  return out;
}

bool Bool(const Napi::Value& v, const Arg& a) {
  bool out = false;
  if (!TryBool(v, &out)) Fail(a, "a boolean", v);
  return out;
}

std::string String(const Napi::Value& v, const Arg& a) {
  if (!v.IsString()) Fail(a, "a string", v);
  return v.As<Napi::String>().Utf8Value();
}

c10::ScalarType Dtype(const Napi::Value& v, const Arg& a) {
  const std::optional<c10::ScalarType> type = v.IsString() ? DtypeFromName(v.As<Napi::String>().Utf8Value()) : std::nullopt;
  if (!type) Fail(a, "a dtype (" + DtypeNameList() + ")", v);
  return *type;
}

c10::Device Device(const Napi::Value& v, const Arg& a) {
  if (!v.IsString()) Fail(a, "a device such as 'cpu' or 'cuda:0'", v);
  return ParseDevice(v.Env(), v.As<Napi::String>().Utf8Value());
}

Napi::Object Object(const Napi::Value& v, const Arg& a, const char* what) {
  if (!v.IsObject()) Fail(a, what, v);
  return v.As<Napi::Object>();
}

std::vector<int64_t> IntList(const Napi::Value& v, const Arg& a) {
  return List<int64_t>(v, a, "an array of integers", "an integer", TryInt);
}

}  // namespace diga::args
