// A FLOP counter on ATen's RecordFunction hooks: every dispatched operator is
// seen with its inputs, on every thread (CUDA backward runs on engine threads),
// so the count covers exactly what a step ran. Only convolutions and matrix
// products are counted, as in fvcore and PyTorch's own profiler: elementwise
// work is memory-bound and would only blur an achieved-TFLOP/s figure.
#include "runtime/flops.h"

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <atomic>
#include <cstring>
#include <optional>

#include "util/errors.h"

namespace diga {

namespace {

std::atomic<uint64_t> gConv{0}, gConvBackward{0}, gMatmul{0};
std::optional<at::CallbackHandle> gHandle;

int64_t Product(c10::IntArrayRef v, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < v.size(); ++i) p *= v[i];
  return p;
}

// 2 · N · (spatial size of the "output" side) · numel(weight): for a plain
// convolution that side is the output, for a transposed one the input.
uint64_t ConvFlops(c10::IntArrayRef in, c10::IntArrayRef weight, c10::IntArrayRef stride, c10::IntArrayRef padding,
                   c10::IntArrayRef dilation, bool transposed) {
  if (in.size() < 3 || weight.size() != in.size()) return 0;
  int64_t spatial = 1;
  for (size_t d = 2; d < in.size(); ++d) {
    if (transposed) {
      spatial *= in[d];
      continue;
    }
    auto at = [](c10::IntArrayRef v, size_t i) { return v.size() == 1 ? v[0] : v[i]; };
    const int64_t k = weight[d];
    const int64_t out = (in[d] + 2 * at(padding, d - 2) - at(dilation, d - 2) * (k - 1) - 1) / at(stride, d - 2) + 1;
    spatial *= std::max<int64_t>(out, 0);
  }
  return static_cast<uint64_t>(2 * in[0] * spatial * Product(weight));
}

c10::IntArrayRef Sizes(const c10::IValue& v) { return v.toTensor().sizes(); }

// 2 · (batch ·) m · k · n for the product of inputs first (…, m, k) and first + 1 (…, k, n).
uint64_t ProductFlops(c10::ArrayRef<const c10::IValue> in, size_t first, size_t dims) {
  if (in.size() < first + 2 || !in[first].isTensor() || !in[first + 1].isTensor()) return 0;
  const auto l = Sizes(in[first]);
  const auto r = Sizes(in[first + 1]);
  if (l.size() != dims || r.size() != dims) return 0;
  return static_cast<uint64_t>(2 * Product(l) * r.back());
}

std::unique_ptr<at::ObserverContext> OnOperator(const at::RecordFunction& fn) {
  const char* name = fn.name();
  if (name == nullptr || std::strncmp(name, "aten::", 6) != 0) return nullptr;
  const char* op = name + 6;
  const auto in = fn.inputs();
  try {
    if (std::strcmp(op, "convolution") == 0 && in.size() >= 7 && in[0].isTensor() && in[1].isTensor()) {
      gConv += ConvFlops(Sizes(in[0]), Sizes(in[1]), in[3].toIntList().vec(), in[4].toIntList().vec(),
                         in[5].toIntList().vec(), in[6].toBool());
    } else if (std::strcmp(op, "convolution_backward") == 0 && in.size() >= 11 && in[0].isTensor()) {
      // grad_output, input, weight, bias_sizes, stride, padding, dilation, transposed, ..., output_mask:
      // the input gradient and the weight gradient each cost one forward convolution.
      const bool transposed = in[7].toBool();
      const auto grad = Sizes(in[0]);
      const auto input = Sizes(in[1]);
      const auto weight = Sizes(in[2]);
      const auto& side = transposed ? input : grad;
      const uint64_t one = static_cast<uint64_t>(2 * side[0] * Product(side, 2) * Product(weight));
      const auto mask = in[10].toBoolList();
      gConvBackward += one * ((mask.size() > 0 && mask.get(0)) + (mask.size() > 1 && mask.get(1)));
    } else if (std::strcmp(op, "mm") == 0) {
      gMatmul += ProductFlops(in, 0, 2);
    } else if (std::strcmp(op, "addmm") == 0) {  // addmm(self, mat1, mat2)
      gMatmul += ProductFlops(in, 1, 2);
    } else if (std::strcmp(op, "bmm") == 0) {
      gMatmul += ProductFlops(in, 0, 3);
    } else if (std::strcmp(op, "baddbmm") == 0) {  // baddbmm(self, batch1, batch2)
      gMatmul += ProductFlops(in, 1, 3);
    }
  } catch (const std::exception&) {
    // An overload with unexpected argument types is simply not counted.
  }
  return nullptr;
}

Napi::Value FlopCounterStart(const Napi::CallbackInfo& info) {
  if (gHandle) throw std::runtime_error("flopCounterStart: a FLOP count is already running");
  gConv = 0;
  gConvBackward = 0;
  gMatmul = 0;
  gHandle = at::addGlobalCallback(at::RecordFunctionCallback(OnOperator).needsInputs(true));
  return info.Env().Undefined();
}

Napi::Value FlopCounterStop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!gHandle) throw std::runtime_error("flopCounterStop: no FLOP count is running (call flopCounterStart first)");
  at::removeCallback(*gHandle);
  gHandle.reset();
  Napi::Object out = Napi::Object::New(env);
  const double conv = static_cast<double>(gConv.load());
  const double back = static_cast<double>(gConvBackward.load());
  const double mm = static_cast<double>(gMatmul.load());
  out.Set("conv", conv);
  out.Set("convBackward", back);
  out.Set("matmul", mm);
  out.Set("total", conv + back + mm);
  return out;
}

}  // namespace

void InitFlops(Napi::Env env, Napi::Object exports) {
  Export<FlopCounterStart>(exports, "flopCounterStart");
  Export<FlopCounterStop>(exports, "flopCounterStop");
}

}  // namespace diga
