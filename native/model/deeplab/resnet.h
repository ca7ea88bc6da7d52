// The dilated, Caffe-style ResNet of DeepLabV2: a 7x7 stem with ceil-mode
// max-pool ("layer0") and Bottleneck layers whose stride sits on the first 1x1
// conv. Every BatchNorm has frozen affine parameters (requires_grad false) but
// still normalises with batch statistics in training mode and updates its
// running statistics, as published.
#pragma once

#include <torch/torch.h>

#include "model/deeplab/config.h"
#include "model/layers.h"

namespace diga::model::deeplab {

// BatchNorm2d (momentum 0.1, eps 1e-5) whose weight and bias are not trained.
torch::nn::BatchNorm2d FrozenBatchNorm(int64_t channels);

// Registration order is the published state-dict order:
// conv1, bn1, conv2, bn2, conv3, bn3, downsample.
class DilatedBottleneckImpl : public torch::nn::Module {
 public:
  DilatedBottleneckImpl(int64_t in, int64_t width, int64_t stride, int64_t dilation, bool project);
  // Recomputed in backward instead of keeping its activations when
  // checkpointing is on (training with grad only).
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor compute(const torch::Tensor& x);
  void set_checkpointing(bool on) { checkpointing_ = on; }
  bool checkpointing() const { return checkpointing_; }

 private:
  bool checkpointing_ = false;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  Chain downsample_{nullptr};
};
TORCH_MODULE(DilatedBottleneck);

// layer0: conv 7x7/2 (no bias), frozen BN, ReLU, max-pool 3x3/2 pad 1 ceil mode.
Chain MakeStem(int64_t channels);

// layer1..layer4 of `c` (index 0..3): stride 2 in layer2, dilation 2 in
// layer3 and 4 in layer4. `in` is the channels entering the layer.
Chain MakeLayer(const DeepLabConfig& c, size_t index, int64_t in);

}  // namespace diga::model::deeplab
