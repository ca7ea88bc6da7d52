// The DeepLabV2 head of the adaptation setting ("final"): five parallel
// branches (1x1, and 3x3 at four dilations), each conv + GroupNorm + ReLU,
// concatenated, re-weighted per channel by squeeze-excitation, fused by a 3x3
// conv + GroupNorm into the features, then Dropout2d and a 1x1 classifier.
#pragma once

#include <torch/torch.h>

#include "model/deeplab/config.h"
#include "model/layers.h"

namespace diga::model::deeplab {

// Global mean -> FC -> ReLU -> FC -> sigmoid, scaling each channel ("se.0",
// "se.2" are the two FCs).
class SqueezeExciteImpl : public torch::nn::Module {
 public:
  SqueezeExciteImpl(int64_t channels, int64_t hidden);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential se_{nullptr};
};
TORCH_MODULE(SqueezeExcite);

// Dropout2d whose next training-mode forward can be told which channels to
// keep (an N x C x 1 x 1 tensor of 0/1), so that a run can be replayed against
// a recorded one. Without such a mask it draws one as PyTorch's dropout2d does.
// The scaling is PyTorch's: kept channels times float32(1 / (1 - p)).
class ChannelDropoutImpl : public torch::nn::Module {
 public:
  explicit ChannelDropoutImpl(double p) : p_(p) {}
  torch::Tensor forward(const torch::Tensor& x);
  // Used by the next training-mode forward only, then forgotten.
  void set_next_keep(const torch::Tensor& keep) { next_keep_ = keep; }
  double p() const { return p_; }

 private:
  double p_;
  torch::Tensor next_keep_;
};
TORCH_MODULE(ChannelDropout);

struct HeadOutput {
  torch::Tensor logits;    // N x classes x h x w
  torch::Tensor features;  // N x branch x h x w, after Dropout2d
};

// Registered as the published names: conv2d_list.{i}.{0 conv, 1 GN},
// bottleneck.{0 SE, 1 conv, 2 GN}, head.{0 dropout, 1 classifier}.
class AsppSeHeadImpl : public torch::nn::Module {
 public:
  explicit AsppSeHeadImpl(const DeepLabConfig& c);
  HeadOutput forward(const torch::Tensor& x);
  ChannelDropoutImpl& dropout() { return *dropout_; }

 private:
  torch::nn::ModuleList conv2d_list_{nullptr};
  std::vector<Chain> branches_;
  Chain bottleneck_{nullptr};
  ChannelDropout dropout_{nullptr};
  torch::nn::Conv2d classifier_{nullptr};
  torch::nn::Sequential head_{nullptr};
};
TORCH_MODULE(AsppSeHead);

}  // namespace diga::model::deeplab
