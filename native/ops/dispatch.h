#pragma once
#include <napi.h>
namespace diga {
// resolveOp(name, overload) -> id; callOp(id, args[], discardResult) -> result
void InitDispatch(Napi::Env env, Napi::Object exports);
}  // namespace diga
