// BatchNorm folded into the convolution before it, for inference.
//
// In eval mode a BatchNorm is an affine map per channel, so conv followed by BN
// is one conv with W' = W * s and b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps).
// That removes a full pass over every activation. The folded tensors are cached
// and rebuilt when any source tensor changes (new storage or an in-place write),
// so loading weights or moving the model needs no extra call.
//
// On the CPU in float32 the folded conv runs as a CpuConv (cpu_conv.h): oneDNN
// with the weights reordered once and a following ReLU fused into the same pass.
//
// Folding only runs inside a InferenceScope (opened by SegModel's forward when folding
// is switched on) and only when it cannot change what autograd or training sees:
// BN in eval mode and gradients off. Elsewhere FoldedConvBn computes exactly bn(conv(x)).
#pragma once

#include <ATen/core/ivalue.h>
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <memory>

#include "model/cpu_conv.h"

namespace diga::model {

// Marks the current thread's forward as one that may fold.
class InferenceScope {
 public:
  explicit InferenceScope(bool on);
  ~InferenceScope();
  InferenceScope(const InferenceScope&) = delete;
  InferenceScope& operator=(const InferenceScope&) = delete;
  static bool Active();

 private:
  bool previous_;
};

// y = relu(y + other), in place on y, in one pass on the CPU (inference only:
// y must be a fresh tensor that nothing else reads).
torch::Tensor AddReluInPlace(torch::Tensor& y, const torch::Tensor& other);

class FoldedConvBn {
 public:
  // bn(conv(x)), then ReLU when `relu`, computed as one folded conv where allowed.
  torch::Tensor operator()(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn,
                           const torch::Tensor& x, bool relu = false);
  // The same on cat({a, b}, 1), without making the concatenation where it can.
  torch::Tensor OnConcat(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn,
                         const torch::Tensor& a, const torch::Tensor& b, bool relu);

 private:
  void Refresh(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn);
  CpuConv& Fast(torch::nn::Conv2dImpl& conv, bool relu);

  torch::Tensor weight_, bias_;
  // Identity of the six source tensors: storage address and version counter.
  std::array<const void*, 6> sources_{};
  std::array<uint32_t, 6> versions_{};
  // The folded convolution, without and with the ReLU.
  std::array<std::unique_ptr<CpuConv>, 2> fast_;
  // OnConcat's two halves of the folded weights.
  std::array<std::unique_ptr<CpuConv>, 2> split_;
};

}  // namespace diga::model
