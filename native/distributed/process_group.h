#pragma once
#include <napi.h>
namespace diga {
// ProcessGroup: c10d's TCPStore rendezvous + ProcessGroupGloo collectives.
void InitDistributed(Napi::Env env, Napi::Object exports);
}  // namespace diga
