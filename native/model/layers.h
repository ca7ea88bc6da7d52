// Small layer factories shared by the backbone and the OCR head.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/fold.h"

namespace diga::model {

// Conv2d with "same" padding for odd kernels.
torch::nn::Conv2d Conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, bool bias);
// BatchNorm2d with the published settings (momentum 0.1, eps 1e-5).
torch::nn::BatchNorm2d BatchNorm(int64_t channels);
// ReLU that overwrites its input: only used where nothing else reads that input.
torch::nn::ReLU InplaceRelu();

// A Sequential of Tensor -> Tensor layers with a plain forward, so that it can
// itself sit inside another Sequential (libtorch's own cannot). Inside a
// InferenceScope each Conv2d directly followed by a BatchNorm2d runs folded.
class ChainImpl : public torch::nn::SequentialImpl {
 public:
  using SequentialImpl::SequentialImpl;
  torch::Tensor forward(const torch::Tensor& x);

 private:
  std::vector<FoldedConvBn> folds_;  // indexed by the conv's position
};
TORCH_MODULE(Chain);

}  // namespace diga::model
