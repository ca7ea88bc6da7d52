#include "model/translator/discriminator.h"

#include <stdexcept>
#include <string>

#include "model/layers.h"
#include "model/translator/blocks.h"

namespace diga::model::translator {
namespace {

void CheckRange(const char* field, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument(std::string("discriminator config: ") + field + " must be an integer in " +
                                std::to_string(lo) + ".." + std::to_string(hi) + ", got " + std::to_string(value));
  }
}

}  // namespace

void Validate(const DiscriminatorConfig& c) {
  CheckRange("dim", c.dim, 1, 4096);
  CheckRange("layers", c.layers, 1, 8);
  CheckRange("scales", c.scales, 1, 8);
  CheckRange("imageChannels", c.image_channels, 1, 16);
}

DiscriminatorImpl::DiscriminatorImpl(const DiscriminatorConfig& c) : config_(c) {
  Validate(c);
  cnns_ = register_module("cnns", torch::nn::ModuleList());
  for (int64_t s = 0; s < c.scales; ++s) {
    Chain net;
    int64_t in = c.image_channels, out = c.dim;
    for (int64_t i = 0; i < c.layers; ++i, in = out, out *= 2) {
      ConvBlockOptions o{in, out, 4, 2, 1};
      o.instance_norm = false;
      o.activation = Activation::kLeakyRelu;
      o.pad = Padding::kZero;
      o.bias = false;
      net->push_back(ConvBlock(o));
    }
    net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 1, 1)));
    cnns_->push_back(net);
  }
}

std::vector<torch::Tensor> DiscriminatorImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> outputs;
  torch::Tensor y = x;
  for (size_t s = 0; s < cnns_->size(); ++s) {
    outputs.push_back(cnns_->ptr<ChainImpl>(s)->forward(y));
    if (s + 1 < cnns_->size()) {
      y = torch::avg_pool2d(y, /*kernel_size=*/{3, 3}, /*stride=*/{2, 2}, /*padding=*/{1, 1}, /*ceil_mode=*/false,
                            /*count_include_pad=*/false);
    }
  }
  return outputs;
}

}  // namespace diga::model::translator
