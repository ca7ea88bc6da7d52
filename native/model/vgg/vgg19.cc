#include "model/vgg/vgg19.h"

#include <stdexcept>
#include <string>

namespace diga::model::vgg {
namespace {

// Convs per block of VGG19 (configuration "E"); a 2x2 max-pool follows each block.
constexpr int64_t kConvs[5] = {2, 2, 4, 4, 4};

}  // namespace

void Validate(const Vgg19Config& c) {
  for (size_t i = 0; i < c.widths.size(); ++i) {
    if (c.widths[i] < 1 || c.widths[i] > 4096) {
      throw std::invalid_argument("vgg19 config: widths[" + std::to_string(i) + "] must be an integer in 1..4096, got " +
                                  std::to_string(c.widths[i]));
    }
  }
}

Vgg19FeaturesImpl::Vgg19FeaturesImpl(const Vgg19Config& c) : config_(c) {
  Validate(c);
  Chain features;
  int64_t in = 3;
  for (size_t block = 0; block < 5; ++block) {
    if (block > 0) features->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)));
    for (int64_t k = 0; k < kConvs[block]; ++k) {
      features->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, c.widths[block], 3).padding(1)));
      features->push_back(torch::nn::ReLU());
      in = c.widths[block];
      // The first ReLU of each block is a tap (relu1_1 ... relu5_1); the extractor ends at the last.
      if (k == 0) taps_.push_back(features->size() - 1);
      if (block == 4) break;
    }
  }
  features_ = register_module("features", features);
  for (auto& p : parameters()) p.set_requires_grad(false);
}

std::vector<torch::Tensor> Vgg19FeaturesImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> out;
  torch::Tensor y = x;
  size_t i = 0, next = 0;
  for (auto& layer : *features_) {
    if (next == taps_.size()) break;
    y = layer.forward(y);
    if (i++ == taps_[next]) {
      out.push_back(y);
      ++next;
    }
  }
  return out;
}

}  // namespace diga::model::vgg
