// Reference loops for the benchmarks: the same work done entirely in C++, so
// that `npm run bench` can report what the JS boundary adds per operation.
#include "runtime/bench.h"

#include "tensor/handle.h"
#include "util/errors.h"

#include <chrono>

namespace diga {

namespace {

// benchAddLoop(a, b, iterations) -> seconds for `iterations` calls of a + b
// through the same boxed dispatcher path that callOp uses.
Napi::Value BenchAddLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor a = TensorHandle::FromJs(info[0]);
  at::Tensor b = TensorHandle::FromJs(info[1]);
  const int64_t n = info[2].As<Napi::Number>().Int64Value();
  const bool boxed = info.Length() > 3 && info[3].ToBoolean().Value();
  DIGA_TRY
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
  return Napi::Number::New(env, std::chrono::duration<double>(end - start).count());
  DIGA_CATCH(env)
}

}  // namespace

void InitBench(Napi::Env env, Napi::Object exports) {
  exports.Set("benchAddLoop", Napi::Function::New<BenchAddLoop>(env, "benchAddLoop"));
}

}  // namespace diga
