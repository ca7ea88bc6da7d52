// Residual blocks of HRNet: Bottleneck (stage 1) and BasicBlock (stages 2-4).
// Member registration order is the published state-dict order:
// conv1, bn1, conv2, bn2[, conv3, bn3], downsample.
#pragma once

#include <torch/torch.h>

#include "model/fold.h"
#include "model/layers.h"

namespace diga::model {

// 1x1 conv + BN projecting the residual when the block changes width;
// an empty holder when the identity fits.
Chain MakeDownsample(int64_t in, int64_t out);

class BasicBlockImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 1;
  BasicBlockImpl(int64_t in, int64_t width);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  Chain downsample_{nullptr};
  FoldedConvBn fold1_, fold2_;
};
TORCH_MODULE(BasicBlock);

class BottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  BottleneckImpl(int64_t in, int64_t width);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  Chain downsample_{nullptr};
  FoldedConvBn fold1_, fold2_, fold3_;
};
TORCH_MODULE(Bottleneck);

}  // namespace diga::model
