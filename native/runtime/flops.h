#pragma once
#include <napi.h>
namespace diga {
// flopCounterStart() / flopCounterStop() -> { conv, convBackward, matmul, total }:
// the multiply-add FLOPs (2 per MAC) of every convolution and matrix product
// dispatched by any thread in between, backward passes included.
void InitFlops(Napi::Env env, Napi::Object exports);
}  // namespace diga
