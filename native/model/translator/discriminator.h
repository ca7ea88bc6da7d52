// The translator's multi-scale PatchGAN discriminator (published
// `Discriminator`): the same conv stack applied to the image and to
// successively average-pooled copies of it, one score map per scale.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace diga::model::translator {

struct DiscriminatorConfig {
  int64_t dim = 64;      // width of the first conv, doubled by each further one
  int64_t layers = 4;    // 4x4/2 convs per scale
  int64_t scales = 3;
  int64_t image_channels = 3;
};

void Validate(const DiscriminatorConfig& c);

// Per scale ("cnns.<s>"): `layers` 4x4/2 convs without bias (zero pad 1,
// LeakyReLU 0.2, no norm), then a 1x1 conv to one channel with bias. Between
// scales: 3x3/2 average pooling, pad 1, padding not counted.
class DiscriminatorImpl : public torch::nn::Module {
 public:
  explicit DiscriminatorImpl(const DiscriminatorConfig& c);
  std::vector<torch::Tensor> forward(const torch::Tensor& x);
  const DiscriminatorConfig& config() const { return config_; }

 private:
  DiscriminatorConfig config_;
  torch::nn::ModuleList cnns_{nullptr};
};
TORCH_MODULE(Discriminator);

}  // namespace diga::model::translator
