// The VGG19 feature extractor of the translator's perceptual loss: torchvision's
// `vgg19().features` up to relu5_1 ("features.<i>", the torchvision indices, so
// an ImageNet checkpoint loads by name), returning the activations after
// relu1_1, relu2_1, relu3_1, relu4_1 and relu5_1. Its weights are fixed
// (requires_grad false), as the loss uses it; gradients still flow to the input.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>

#include "model/layers.h"

namespace diga::model::vgg {

struct Vgg19Config {
  std::array<int64_t, 5> widths{64, 128, 256, 512, 512};  // conv widths of blocks 1..5
};

void Validate(const Vgg19Config& c);

class Vgg19FeaturesImpl : public torch::nn::Module {
 public:
  explicit Vgg19FeaturesImpl(const Vgg19Config& c);
  // The five taps, finest first.
  std::vector<torch::Tensor> forward(const torch::Tensor& x);
  const Vgg19Config& config() const { return config_; }

 private:
  Vgg19Config config_;
  Chain features_{nullptr};
  std::vector<size_t> taps_;  // indices (into features) of the ReLUs whose outputs are returned
};
TORCH_MODULE(Vgg19Features);

}  // namespace diga::model::vgg
