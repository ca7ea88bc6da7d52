// diga_bench.node, the benchmarks' own addon (never published): the work of
// the op-overhead benchmark done entirely in C++, so that `npm run bench` can
// report what the JS boundary adds per operation.
#include <napi.h>
#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <chrono>

#include "util/args.h"
#include "util/errors.h"

namespace diga {

namespace {

// addLoop(numel, iterations, boxed) -> seconds for `iterations` additions of
// two float tensors of numel elements, called directly or (boxed) through the
// same dispatcher path that callOp takes.
Napi::Value AddLoop(const Napi::CallbackInfo& info) {
  const int64_t numel = args::IntIn(info[0], args::Param("addLoop", "numel"), 0);
  const int64_t n = args::IntIn(info[1], args::Param("addLoop", "iterations"), 0);
  const bool boxed = args::Bool(info[2], args::Param("addLoop", "boxed"));
  const at::Tensor a = at::ones({numel});
  const at::Tensor b = at::ones({numel});
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("aten::add", "Tensor");
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < n; ++i) {
    if (boxed) {
      torch::jit::Stack stack{a, b, c10::Scalar(1)};
      op.callBoxed(&stack);
    } else {
      at::Tensor c = at::add(a, b);
    }
  }
  const auto end = std::chrono::steady_clock::now();
  return Napi::Number::New(info.Env(), std::chrono::duration<double>(end - start).count());
}

}  // namespace

}  // namespace diga

static Napi::Object InitBench(Napi::Env env, Napi::Object exports) {
  diga::Export<diga::AddLoop>(exports, "addLoop");
  return exports;
}

NODE_API_MODULE(diga_bench, InitBench)
