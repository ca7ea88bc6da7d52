// BatchNorm folded into the convolution before it, for inference.
//
// In eval mode a BatchNorm is an affine map per channel, so conv followed by BN
// is one conv with W' = W * s and b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps).
// That removes a full pass over every activation. The folded tensors are cached
// and rebuilt when any source tensor changes (new storage or an in-place write),
// so loading weights or moving the model needs no extra call.
//
// Folding only runs inside a FoldScope (opened by SegModel's forward when folding
// is switched on) and only when it cannot change what autograd or training sees:
// BN in eval mode and gradients off. Elsewhere ConvBn is exactly bn(conv(x)).
#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdint>

namespace diga::model {

// Marks the current thread's forward as one that may fold.
class FoldScope {
 public:
  explicit FoldScope(bool on);
  ~FoldScope();
  FoldScope(const FoldScope&) = delete;
  FoldScope& operator=(const FoldScope&) = delete;
  static bool Active();

 private:
  bool previous_;
};

class FoldedConvBn {
 public:
  // bn(conv(x)), computed as one folded conv where allowed.
  torch::Tensor operator()(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn,
                           const torch::Tensor& x);

 private:
  void Refresh(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn);

  torch::Tensor weight_, bias_;
  // Identity of the six source tensors: storage address and version counter.
  std::array<const void*, 6> sources_{};
  std::array<uint32_t, 6> versions_{};
};

}  // namespace diga::model
