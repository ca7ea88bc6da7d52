// Reading JS arguments and object fields. A reader takes only what converts
// exactly (an integer argument refuses Infinity, NaN and 2.5) and refuses the
// rest with one wording, as a JS TypeError:
//   "<function>: argument '<name>' must be <what>, got <value>"
// (or "field '<name>'" for a field of an options object).
#pragma once

#include <napi.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace diga::args {

// What is read, for messages. Cheap to make (every call makes some), the
// label is put into words only when a message needs it.
struct Arg {
  const char* fn = "";            // the call as JS writes it; "" where the caller puts its own name in front
  const char* name = "";
  const char* kind = "argument";  // or "field", for a field of an options object
  // Instead of kind and name, where the label costs to make: label(of).
  std::string (*label)(const void* of) = nullptr;
  const void* of = nullptr;
};
inline Arg Param(const char* fn, const char* name) { return {fn, name, "argument"}; }
inline Arg Field(const char* fn, const char* key) { return {fn, key, "field"}; }

// A JS value in a few words: 2.5, Infinity, null, the string 'x', an array of length 3.
std::string Describe(const Napi::Value& v);
[[noreturn]] void Fail(const Arg& a, const std::string& what, const Napi::Value& got);
// As Fail, for element i of an array: "element 2 of argument 'shape' must be ...".
[[noreturn]] void FailElement(const Arg& a, uint32_t i, const std::string& what, const Napi::Value& got);

// What each reader accepts, without throwing.
bool TryInt(const Napi::Value& v, int64_t* out);  // an integral number in int64's range
bool TryDouble(const Napi::Value& v, double* out);  // any number, Infinity and NaN included
bool TryBool(const Napi::Value& v, bool* out);      // true or false, not truthiness

int64_t Int(const Napi::Value& v, const Arg& a);
// An integer in lo..hi; "a positive integer" and the like when only lo matters.
int64_t IntIn(const Napi::Value& v, const Arg& a, int64_t lo,
              int64_t hi = std::numeric_limits<int64_t>::max());
double Double(const Napi::Value& v, const Arg& a);
bool Bool(const Napi::Value& v, const Arg& a);
std::string String(const Napi::Value& v, const Arg& a);
c10::ScalarType Dtype(const Napi::Value& v, const Arg& a);
// "cpu", "cuda" or "cuda:N", checked against the devices there are, so that a
// missing GPU is reported when it is asked for (an Error listing the devices).
c10::Device Device(const Napi::Value& v, const Arg& a);
Napi::Object Object(const Napi::Value& v, const Arg& a, const char* what = "an object");

// An array (`what`) whose every element (`element`) `try_read` accepts.
template <class T, class TryRead>
std::vector<T> List(const Napi::Value& v, const Arg& a, const char* what, const char* element, TryRead try_read) {
  if (!v.IsArray()) Fail(a, what, v);
  Napi::Array array = v.As<Napi::Array>();
  std::vector<T> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value e = array.Get(i);
    T value{};
    if (!try_read(e, &value)) FailElement(a, i, element, e);
    out.push_back(value);
  }
  return out;
}

std::vector<int64_t> IntList(const Napi::Value& v, const Arg& a);
// Exactly N integers.
template <size_t N>
std::array<int64_t, N> IntArray(const Napi::Value& v, const Arg& a) {
  static const std::string what = "an array of " + std::to_string(N) + " integers";
  if (!v.IsArray() || v.As<Napi::Array>().Length() != N) Fail(a, what, v);
  const std::vector<int64_t> list = List<int64_t>(v, a, what.c_str(), "an integer", TryInt);
  std::array<int64_t, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = list[i];
  return out;
}

// `read(v, a)`, or nothing for undefined (an argument or field left out).
template <class Read>
auto Optional(const Napi::Value& v, const Arg& a, Read read) -> std::optional<decltype(read(v, a))> {
  if (v.IsUndefined()) return std::nullopt;
  return read(v, a);
}

}  // namespace diga::args
