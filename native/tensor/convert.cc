#include "tensor/convert.h"

#include "tensor/generator.h"
#include "tensor/handle.h"
#include "util/errors.h"

#include <cmath>

namespace diga {

namespace {

// The operator's argument, named as its schema names it: "argument 'dim' (int[1]?)".
// CallOp puts the operator's name in front.
std::string OpLabel(const void* of) {
  const auto& arg = *static_cast<const c10::Argument*>(of);
  return "argument '" + arg.name() + "' (" + arg.type()->str() + ")";
}

args::Arg OpArg(const c10::Argument& arg) {
  args::Arg a;
  a.label = OpLabel;
  a.of = &arg;
  return a;
}

// An int argument takes, as in Python, a boolean too, and a BigInt.
bool TryOpInt(const Napi::Value& v, int64_t* out) {
  if (v.IsBigInt()) {
    bool lossless = true;
    *out = v.As<Napi::BigInt>().Int64Value(&lossless);
    return true;
  }
  if (v.IsBoolean()) {
    *out = v.As<Napi::Boolean>().Value() ? 1 : 0;
    return true;
  }
  return args::TryInt(v, out);
}

int64_t ToInt(const Napi::Value& v, const c10::Argument& arg) {
  int64_t out = 0;
  if (!TryOpInt(v, &out)) args::Fail(OpArg(arg), "an integer", v);
  return out;
}

c10::Scalar ToScalar(const Napi::Value& v, const c10::Argument& arg) {
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
  args::Fail(OpArg(arg), "a number", v);
}

// A list in the libtorch form the schema asks for.
template <class T, class TryRead>
c10::IValue ToList(const Napi::Value& v, const c10::Argument& arg, const char* what, const char* element,
                   TryRead try_read) {
  c10::List<T> out;
  for (const T& e : args::List<T>(v, OpArg(arg), what, element, try_read)) out.push_back(e);
  return c10::IValue(out);
}

// Tensor elements never fall back: a non-handle throws FromJs's own TypeError.
bool TryTensor(const Napi::Value& v, at::Tensor* out) {
  *out = TensorHandle::FromJs(v);
  return true;
}

bool TryOptionalTensor(const Napi::Value& v, c10::optional<at::Tensor>* out) {
  if (v.IsNull() || v.IsUndefined()) *out = c10::nullopt;
  else *out = TensorHandle::FromJs(v);
  return true;
}

c10::IValue ConvertList(const Napi::Value& v, const c10::ListTypePtr& list, const c10::Argument& arg) {
  const c10::TypePtr& elem = list->getElementType();
  switch (elem->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      // A bare number for an `int[N]` repeats it N times, as in Python.
      if (v.IsNumber() || v.IsBigInt()) {
        const int64_t n = arg.N() ? *arg.N() : 1;
        return c10::IValue(std::vector<int64_t>(static_cast<size_t>(n), ToInt(v, arg)));
      }
      return ToList<int64_t>(v, arg, "an array of integers", "an integer", TryOpInt);
    case c10::TypeKind::TensorType:
      return ToList<at::Tensor>(v, arg, "an array of tensors", "a tensor", TryTensor);
    case c10::TypeKind::OptionalType:
      if (elem->castRaw<c10::OptionalType>()->getElementType()->kind() == c10::TypeKind::TensorType) {
        return ToList<c10::optional<at::Tensor>>(v, arg, "an array of tensors or nulls", "a tensor or null",
                                                 TryOptionalTensor);
      }
      break;
    case c10::TypeKind::FloatType:
      return ToList<double>(v, arg, "an array of numbers", "a number", args::TryDouble);
    case c10::TypeKind::BoolType:
      return ToList<bool>(v, arg, "an array of booleans", "a boolean", args::TryBool);
    default:
      break;
  }
  ThrowTypeError(v.Env(), OpLabel(&arg) + ": list element type is not supported");
}

c10::IValue ConvertTyped(const Napi::Value& v, const c10::TypePtr& type, const c10::Argument& arg) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      return c10::IValue(TensorHandle::FromJs(v));
    case c10::TypeKind::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return ConvertTyped(v, type->castRaw<c10::OptionalType>()->getElementType(), arg);
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return c10::IValue(ToInt(v, arg));
    case c10::TypeKind::FloatType:
      return c10::IValue(args::Double(v, OpArg(arg)));
    case c10::TypeKind::BoolType:
      return c10::IValue(args::Bool(v, OpArg(arg)));
    case c10::TypeKind::NumberType:
      return c10::IValue(ToScalar(v, arg));
    case c10::TypeKind::StringType:
      return c10::IValue(args::String(v, OpArg(arg)));
    case c10::TypeKind::DeviceObjType:
      return c10::IValue(args::Device(v, OpArg(arg)));
    case c10::TypeKind::GeneratorType:
      return c10::IValue(GeneratorHandle::FromJs(v));
    case c10::TypeKind::ListType:
      return ConvertList(v, type->cast<c10::ListType>(), arg);
    default:
      ThrowTypeError(v.Env(), OpLabel(&arg) + " has a type the binding does not convert");
  }
}
}  // namespace

Napi::Array IntListToJs(Napi::Env env, c10::IntArrayRef values) {
  Napi::Array a = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(values[i])));
  }
  return a;
}

std::vector<at::Tensor> JsToTensors(const Napi::Value& v, const args::Arg& a) {
  if (v.IsNull() || v.IsUndefined()) return {};
  return args::List<at::Tensor>(v, a, "an array of tensors", "a tensor", TryTensor);
}

c10::IValue JsToIValue(const Napi::Value& v, const c10::Argument& arg) {
  return ConvertTyped(v, arg.type(), arg);
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
