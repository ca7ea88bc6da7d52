// The generic operator entry point: any ATen operator, called boxed through
// the dispatcher (so autograd, autocast and every backend apply), with its
// arguments converted by the operator's own schema. The TS op catalogue sits
// on top of this; only hot paths get dedicated bindings.
#include "ops/dispatch.h"

#include "addon_data.h"
#include "tensor/convert.h"
#include "util/args.h"
#include "util/errors.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <sstream>

namespace diga {

namespace {

// An id that resolveOp() handed out.
const c10::OperatorHandle& OpById(const Napi::CallbackInfo& info, const char* fn) {
  auto& ops = AddonData(info.Env()).ops;
  const int64_t id = args::Int(info[0], args::Param(fn, "id"));
  if (id < 0 || static_cast<size_t>(id) >= ops.size()) ThrowError(info.Env(), std::string(fn) + ": unknown operator id");
  return ops[static_cast<size_t>(id)];
}

Napi::Value ResolveOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = args::String(info[0], args::Param("resolveOp", "name"));
  const std::string overload = args::Optional(info[1], args::Param("resolveOp", "overload"), args::String).value_or("");
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
  std::ostringstream s;
  s << OpById(info, "opSchema").schema();
  return Napi::String::New(info.Env(), s.str());
}

Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const c10::OperatorHandle& op = OpById(info, "callOp");
  const c10::FunctionSchema& schema = op.schema();
  const auto& params = schema.arguments();

  if (!info[1].IsArray()) args::Fail(args::Param("callOp", "args"), "an array", info[1]);
  Napi::Array js_args = info[1].As<Napi::Array>();
  const uint32_t given = js_args.Length();
  if (given > params.size()) {
    ThrowTypeError(env, schema.name() + ": expected at most " + std::to_string(params.size()) +
                            " arguments, got " + std::to_string(given));
  }
  const bool discard = args::Optional(info[2], args::Param("callOp", "discardResult"), args::Bool).value_or(false);

  torch::jit::Stack stack;
  stack.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    Napi::Value v = i < given ? js_args.Get(static_cast<uint32_t>(i)) : env.Undefined();
    if (v.IsUndefined()) {
      if (params[i].default_value().has_value()) {
        stack.push_back(*params[i].default_value());
        continue;
      }
      if (params[i].type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
        continue;
      }
      ThrowTypeError(env, schema.name() + ": missing argument '" + params[i].name() + "'");
    }
    try {
      stack.push_back(JsToIValue(v, params[i]));
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
}

}  // namespace

void InitDispatch(Napi::Env env, Napi::Object exports) {
  Export<ResolveOp>(exports, "resolveOp");
  Export<OpSchema>(exports, "opSchema");
  Export<CallOp>(exports, "callOp");
}

}  // namespace diga
