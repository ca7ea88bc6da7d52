// Conversions between JS values and libtorch values (int lists, tensor lists, IValues).
#pragma once

#include <napi.h>
#include <ATen/core/function_schema.h>
#include <ATen/core/ivalue.h>
#include <torch/torch.h>

#include <vector>

#include "util/args.h"

namespace diga {

Napi::Array IntListToJs(Napi::Env env, c10::IntArrayRef values);
// An array of tensor handles; null or undefined gives an empty list.
std::vector<at::Tensor> JsToTensors(const Napi::Value& v, const args::Arg& a);

// One argument of an operator call, converted according to its schema type.
c10::IValue JsToIValue(const Napi::Value& v, const c10::Argument& arg);
Napi::Value IValueToJs(Napi::Env env, const c10::IValue& v);

}  // namespace diga
