// Conversions between JS values and libtorch values (dtypes, devices, IValues).
#pragma once

#include <napi.h>
#include <ATen/core/function_schema.h>
#include <ATen/core/ivalue.h>
#include <torch/torch.h>

#include <string>

namespace diga {

const char* DtypeName(at::ScalarType t);
at::ScalarType ParseDtype(Napi::Env env, const std::string& name);

// Parses "cpu", "cuda", "cuda:N" and checks the device exists, so that a
// missing GPU is reported when it is asked for, with the devices there are.
c10::Device ParseDevice(Napi::Env env, const std::string& spec);
std::string AvailableDevices();

Napi::Array IntListToJs(Napi::Env env, c10::IntArrayRef values);
std::vector<int64_t> JsToIntList(Napi::Env env, Napi::Value v, const char* what);
// An array of tensor handles; null or undefined gives an empty list.
std::vector<at::Tensor> JsToTensors(Napi::Env env, Napi::Value v);

// One argument of an operator call, converted according to its schema type.
c10::IValue JsToIValue(Napi::Env env, Napi::Value v, const c10::Argument& arg);
Napi::Value IValueToJs(Napi::Env env, const c10::IValue& v);

}  // namespace diga
