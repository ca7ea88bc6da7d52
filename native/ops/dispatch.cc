// The generic operator entry point: any ATen operator, called boxed through
// the dispatcher (so autograd, autocast and every backend apply), with its
// arguments converted by the operator's own schema. The TS op catalogue sits
// on top of this; only hot paths get dedicated bindings.
#include "ops/dispatch.h"

#include "addon_data.h"
#include "tensor/convert.h"
#include "util/errors.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

namespace diga {

namespace {

Napi::Value ResolveOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowTypeError(env, "resolveOp: operator name must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle.has_value()) {
    ThrowError(env, "unknown operator " + name + (overload.empty() ? "" : "." + overload) +
                        " in this libtorch");
  }
  auto& ops = AddonData(env).ops;
  ops.push_back(*handle);
  return Napi::Number::New(env, static_cast<double>(ops.size() - 1));
}

Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& ops = AddonData(env).ops;
  const uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  if (id >= ops.size()) ThrowError(env, "opSchema: unknown operator id");
  std::ostringstream s;
  s << ops[id].schema();
  return Napi::String::New(env, s.str());
}

Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& ops = AddonData(env).ops;
  const uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  if (id >= ops.size()) ThrowError(env, "callOp: unknown operator id");
  const c10::OperatorHandle& op = ops[id];
  const c10::FunctionSchema& schema = op.schema();
  const auto& args = schema.arguments();

  Napi::Array js_args = info[1].As<Napi::Array>();
  const uint32_t given = js_args.Length();
  if (given > args.size()) {
    ThrowTypeError(env, schema.name() + ": expected at most " + std::to_string(args.size()) +
                            " arguments, got " + std::to_string(given));
  }
  const bool discard = info.Length() > 2 && info[2].ToBoolean().Value();

  DIGA_TRY
  torch::jit::Stack stack;
  stack.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    Napi::Value v = i < given ? js_args.Get(static_cast<uint32_t>(i)) : env.Undefined();
    if (v.IsUndefined()) {
      if (args[i].default_value().has_value()) {
        stack.push_back(*args[i].default_value());
        continue;
      }
      if (args[i].type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
        continue;
      }
      ThrowTypeError(env, schema.name() + ": missing argument '" + args[i].name() + "'");
    }
    try {
      stack.push_back(JsToIValue(env, v, args[i]));
    } catch (const Napi::Error& e) {
      // Name the operator as well as the argument.
      throw Napi::TypeError::New(env, schema.name() + ": " + e.Message());
    }
  }
  op.callBoxed(&stack);
  if (discard || stack.empty()) return env.Undefined();
  if (stack.size() == 1) return IValueToJs(env, stack[0]);
  Napi::Array out = Napi::Array::New(env, stack.size());
  for (size_t i = 0; i < stack.size(); ++i) out.Set(static_cast<uint32_t>(i), IValueToJs(env, stack[i]));
  return out;
  DIGA_CATCH(env)
}

}  // namespace

void InitDispatch(Napi::Env env, Napi::Object exports) {
  exports.Set("resolveOp", Napi::Function::New<ResolveOp>(env, "resolveOp"));
  exports.Set("opSchema", Napi::Function::New<OpSchema>(env, "opSchema"));
  exports.Set("callOp", Napi::Function::New<CallOp>(env, "callOp"));
}

}  // namespace diga
