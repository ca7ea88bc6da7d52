// libtorch's intra-op thread pool, sized from JS.
#include "runtime/exports.h"

#include "util/args.h"
#include "util/errors.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>

namespace diga {

namespace {

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const int64_t n = args::IntIn(info[0], args::Param("setNumThreads", "n"), 1);
  at::set_num_threads(static_cast<int>(std::min<int64_t>(n, std::numeric_limits<int>::max())));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

}  // namespace

void InitThreads(Napi::Env env, Napi::Object exports) {
  Export<SetNumThreads>(exports, "setNumThreads");
  Export<GetNumThreads>(exports, "getNumThreads");
}

}  // namespace diga
