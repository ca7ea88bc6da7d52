// The adaptation setting's segmentation network: the dilated ResNet
// ("layer0".."layer4") followed by the ASPP/SE head ("final"). Its state dict
// matches the published one name for name and in order.
#pragma once

#include <torch/torch.h>

#include "model/deeplab/aspp_se.h"
#include "model/deeplab/config.h"
#include "model/layers.h"

namespace diga::model::deeplab {

// The four tensors the published forward returns, all at 1/8 input resolution.
struct DeepLabOutput {
  torch::Tensor layer2;    // N x 4*widths[1]
  torch::Tensor layer4;    // N x 4*widths[3]
  torch::Tensor logits;    // N x classes
  torch::Tensor features;  // N x branch (after Dropout2d)
};

class DeepLabV2Impl : public torch::nn::Module {
 public:
  explicit DeepLabV2Impl(const DeepLabConfig& config);
  DeepLabOutput forward(const torch::Tensor& x);
  const DeepLabConfig& config() const { return config_; }
  AsppSeHeadImpl& head() { return *final_; }
  // Activation checkpointing of every Bottleneck block (training only).
  void set_checkpointing(bool on);
  bool checkpointing() const { return checkpointing_; }

 private:
  void InitWeights();
  DeepLabConfig config_;
  bool checkpointing_ = false;
  Chain layer0_{nullptr}, layer1_{nullptr}, layer2_{nullptr}, layer3_{nullptr}, layer4_{nullptr};
  AsppSeHead final_{nullptr};
};
TORCH_MODULE(DeepLabV2);

}  // namespace diga::model::deeplab
