#include "tensor/convert.h"

#include "tensor/generator.h"
#include "tensor/handle.h"
#include "util/errors.h"

#include <cmath>

namespace diga {

namespace {
struct DtypeEntry {
  const char* name;
  at::ScalarType type;
};
constexpr DtypeEntry kDtypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf},
    {"bfloat16", at::kBFloat16}, {"int64", at::kLong}, {"int32", at::kInt},
    {"int16", at::kShort}, {"int8", at::kChar}, {"uint8", at::kByte},
    {"bool", at::kBool}, {"complex64", at::kComplexFloat},
};

std::string ArgLabel(const c10::Argument& arg) {
  return "argument '" + arg.name() + "' (" + arg.type()->str() + ")";
}

int64_t ToInt(Napi::Env env, Napi::Value v, const c10::Argument& arg) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::floor(d) != d || !std::isfinite(d)) {
      ThrowTypeError(env, ArgLabel(arg) + " must be an integer, got " + std::to_string(d));
    }
    return static_cast<int64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = true;
    return v.As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  ThrowTypeError(env, ArgLabel(arg) + " must be an integer");
}

c10::Scalar ToScalar(Napi::Env env, Napi::Value v, const c10::Argument& arg) {
  if (v.IsBoolean()) return c10::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    // Integral JS numbers stay integral so integer tensors keep their dtype.
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.007199254740992e15) {
      return c10::Scalar(static_cast<int64_t>(d));
    }
    return c10::Scalar(d);
  }
  if (v.IsBigInt()) {
    bool lossless = true;
    return c10::Scalar(v.As<Napi::BigInt>().Int64Value(&lossless));
  }
  ThrowTypeError(env, ArgLabel(arg) + " must be a number");
}

c10::IValue ConvertTyped(Napi::Env env, Napi::Value v, const c10::TypePtr& type,
                         const c10::Argument& arg);

c10::IValue ConvertList(Napi::Env env, Napi::Value v, const c10::ListTypePtr& list,
                        const c10::Argument& arg) {
  const c10::TypePtr& elem = list->getElementType();
  const c10::TypeKind kind = elem->kind();
  if (kind == c10::TypeKind::IntType || kind == c10::TypeKind::SymIntType) {
    // A bare number for an `int[N]` repeats it N times, as in Python.
    if (v.IsNumber() || v.IsBigInt()) {
      const int64_t n = arg.N() ? *arg.N() : 1;
      return c10::IValue(std::vector<int64_t>(static_cast<size_t>(n), ToInt(env, v, arg)));
    }
    if (!v.IsArray()) ThrowTypeError(env, ArgLabel(arg) + " must be an array of integers");
    Napi::Array a = v.As<Napi::Array>();
    c10::List<int64_t> out;
    out.reserve(a.Length());
    for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(ToInt(env, a.Get(i), arg));
    return c10::IValue(out);
  }
  if (!v.IsArray()) ThrowTypeError(env, ArgLabel(arg) + " must be an array");
  Napi::Array a = v.As<Napi::Array>();
  const uint32_t n = a.Length();
  if (kind == c10::TypeKind::TensorType) {
    c10::List<at::Tensor> out;
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) out.push_back(TensorHandle::FromJs(a.Get(i)));
    return c10::IValue(out);
  }
  if (kind == c10::TypeKind::OptionalType &&
      elem->castRaw<c10::OptionalType>()->getElementType()->kind() == c10::TypeKind::TensorType) {
    c10::List<c10::optional<at::Tensor>> out;
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Napi::Value e = a.Get(i);
      if (e.IsNull() || e.IsUndefined()) out.push_back(c10::nullopt);
      else out.push_back(TensorHandle::FromJs(e));
    }
    return c10::IValue(out);
  }
  if (kind == c10::TypeKind::FloatType) {
    c10::List<double> out;
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Napi::Value e = a.Get(i);
      if (!e.IsNumber()) ThrowTypeError(env, ArgLabel(arg) + " must be an array of numbers");
      out.push_back(e.As<Napi::Number>().DoubleValue());
    }
    return c10::IValue(out);
  }
  if (kind == c10::TypeKind::BoolType) {
    c10::List<bool> out;
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Napi::Value e = a.Get(i);
      if (!e.IsBoolean()) ThrowTypeError(env, ArgLabel(arg) + " must be an array of booleans");
      out.push_back(e.As<Napi::Boolean>().Value());
    }
    return c10::IValue(out);
  }
  ThrowTypeError(env, ArgLabel(arg) + ": list element type is not supported");
}

c10::IValue ConvertTyped(Napi::Env env, Napi::Value v, const c10::TypePtr& type,
                         const c10::Argument& arg) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      return c10::IValue(TensorHandle::FromJs(v));
    case c10::TypeKind::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return ConvertTyped(env, v, type->castRaw<c10::OptionalType>()->getElementType(), arg);
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return c10::IValue(ToInt(env, v, arg));
    case c10::TypeKind::FloatType:
      if (!v.IsNumber()) ThrowTypeError(env, ArgLabel(arg) + " must be a number");
      return c10::IValue(v.As<Napi::Number>().DoubleValue());
    case c10::TypeKind::BoolType:
      if (!v.IsBoolean()) ThrowTypeError(env, ArgLabel(arg) + " must be a boolean");
      return c10::IValue(v.As<Napi::Boolean>().Value());
    case c10::TypeKind::NumberType:
      return c10::IValue(ToScalar(env, v, arg));
    case c10::TypeKind::StringType:
      if (!v.IsString()) ThrowTypeError(env, ArgLabel(arg) + " must be a string");
      return c10::IValue(v.As<Napi::String>().Utf8Value());
    case c10::TypeKind::DeviceObjType:
      if (!v.IsString()) ThrowTypeError(env, ArgLabel(arg) + " must be a device string");
      return c10::IValue(ParseDevice(env, v.As<Napi::String>().Utf8Value()));
    case c10::TypeKind::GeneratorType:
      return c10::IValue(GeneratorHandle::FromJs(v));
    case c10::TypeKind::ListType:
      return ConvertList(env, v, type->cast<c10::ListType>(), arg);
    default:
      ThrowTypeError(env, ArgLabel(arg) + " has a type the binding does not convert");
  }
}
}  // namespace

const char* DtypeName(at::ScalarType t) {
  for (const auto& e : kDtypes) {
    if (e.type == t) return e.name;
  }
  return c10::toString(t);
}

at::ScalarType ParseDtype(Napi::Env env, const std::string& name) {
  for (const auto& e : kDtypes) {
    if (name == e.name) return e.type;
  }
  ThrowTypeError(env, "unknown dtype '" + name +
                          "' (expected float32, float64, float16, bfloat16, int64, int32, int16, "
                          "int8, uint8 or bool)");
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

Napi::Array IntListToJs(Napi::Env env, c10::IntArrayRef values) {
  Napi::Array a = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(values[i])));
  }
  return a;
}

std::vector<int64_t> JsToIntList(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsArray()) ThrowTypeError(env, std::string(what) + " must be an array of integers");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    if (!e.IsNumber()) ThrowTypeError(env, std::string(what) + " must be an array of integers");
    double d = e.As<Napi::Number>().DoubleValue();
    if (std::floor(d) != d) ThrowTypeError(env, std::string(what) + " must be an array of integers");
    out[i] = static_cast<int64_t>(d);
  }
  return out;
}

std::vector<at::Tensor> JsToTensors(Napi::Env env, Napi::Value v) {
  std::vector<at::Tensor> out;
  if (v.IsNull() || v.IsUndefined()) return out;
  if (!v.IsArray()) ThrowTypeError(env, "expected an array of tensors");
  Napi::Array a = v.As<Napi::Array>();
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(TensorHandle::FromJs(a.Get(i)));
  return out;
}

c10::IValue JsToIValue(Napi::Env env, Napi::Value v, const c10::Argument& arg) {
  return ConvertTyped(env, v, arg.type(), arg);
}

Napi::Value IValueToJs(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return env.Null();
    return TensorHandle::Wrap(env, t);
  }
  if (v.isNone()) return env.Null();
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isScalar()) {
    c10::Scalar s = v.toScalar();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
    return Napi::Number::New(env, s.toDouble());
  }
  if (v.isTensorList()) {
    auto list = v.toTensorVector();
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) a.Set(static_cast<uint32_t>(i), TensorHandle::Wrap(env, list[i]));
    return a;
  }
  if (v.isIntList()) return IntListToJs(env, v.toIntVector());
  if (v.isTuple() || v.isList()) {
    std::vector<c10::IValue> items;
    if (v.isTuple()) {
      for (const auto& e : v.toTupleRef().elements()) items.push_back(e);
    } else {
      for (const auto& e : v.toListRef()) items.push_back(e);
    }
    Napi::Array a = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); ++i) a.Set(static_cast<uint32_t>(i), IValueToJs(env, items[i]));
    return a;
  }
  if (v.isDevice()) return Napi::String::New(env, v.toDevice().str());
  ThrowError(env, std::string("operator returned a value of kind ") + v.tagKind() +
                      " that the binding does not convert");
}

}  // namespace diga
