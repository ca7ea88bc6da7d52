// Per-environment state of the addon (one per Node main thread or worker).
#pragma once

#include <napi.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <vector>

namespace diga {

struct AddonState {
  Napi::FunctionReference tensor_ctor;
  Napi::FunctionReference generator_ctor;
  // Resolved operators, indexed by the id that resolveOp() hands to JS.
  std::vector<c10::OperatorHandle> ops;
};

AddonState& AddonData(Napi::Env env);

}  // namespace diga
