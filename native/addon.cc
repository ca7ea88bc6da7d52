// The addon's entry point: registers each native concern on the exports.
#include <napi.h>

#include "addon_data.h"
#include "distributed/process_group.h"
#include "ops/autograd.h"
#include "ops/dispatch.h"
#include "runtime/exports.h"
#include "runtime/flops.h"
#include "runtime/versions.h"
#include "tensor/buffer.h"
#include "tensor/generator.h"
#include "tensor/handle.h"
#if __has_include("model/binding.h") && !defined(DIGA_SKIP_MODEL)
#include "model/binding.h"
#include "model/deeplab/binding.h"
#include "model/translator/binding.h"
#include "model/vgg/binding.h"
#define DIGA_HAS_MODEL 1
#endif

namespace diga {

AddonState& AddonData(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Refuse a libtorch other than the one built against, before anything can misbehave.
  CheckTorchVersion(env);
  env.SetInstanceData<AddonState>(new AddonState());
  TensorHandle::Init(env, exports);
  GeneratorHandle::Init(env, exports);
  InitBuffers(env, exports);
  InitDispatch(env, exports);
  InitAutograd(env, exports);
  InitVersions(env, exports);
  InitThreads(env, exports);
  InitMemory(env, exports);
  InitCpuCache(env, exports);
  InitRng(env, exports);
  InitAutocast(env, exports);
  InitDevices(env, exports);
  InitCuda(env, exports);
  InitFlops(env, exports);
  InitDistributed(env, exports);
#ifdef DIGA_HAS_MODEL
  InitModel(env, exports);
  InitDeepLab(env, exports);
  InitTranslator(env, exports);
  InitVgg(env, exports);
#endif
  return exports;
}

}  // namespace diga

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return diga::Init(env, exports); }

NODE_API_MODULE(diga, InitAddon)
