#include "model/translator/codec.h"

#include <stdexcept>
#include <string>

namespace diga::model::translator {
namespace {

void CheckRange(const char* what, const char* field, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument(std::string(what) + " config: " + field + " must be an integer in " +
                                std::to_string(lo) + ".." + std::to_string(hi) + ", got " + std::to_string(value));
  }
}

}  // namespace

void Validate(const CodecConfig& c, const char* what) {
  CheckRange(what, "dim", c.dim, 1, 4096);
  CheckRange(what, "resample", c.resample, 0, 6);
  CheckRange(what, "resBlocks", c.res_blocks, 0, 64);
  CheckRange(what, "imageChannels", c.image_channels, 1, 16);
  if (std::string(what) == "decoder" && (c.dim >> c.resample) << c.resample != c.dim) {
    throw std::invalid_argument("decoder config: dim (" + std::to_string(c.dim) + ") must be divisible by 2^resample (" +
                                std::to_string(int64_t{1} << c.resample) + ")");
  }
}

torch::Tensor Upsample2Impl::forward(const torch::Tensor& x) {
  return torch::nn::functional::interpolate(
      x, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{2 * x.size(2), 2 * x.size(3)}).mode(torch::kNearest));
}

ImageEncoderImpl::ImageEncoderImpl(const CodecConfig& c) : config_(c) {
  Validate(c, "encoder");
  Chain model;
  model->push_back(ConvBlock(ConvBlockOptions{c.image_channels, c.dim, 7, 1, 3}));
  int64_t dim = c.dim;
  for (int64_t i = 0; i < c.resample; ++i, dim *= 2) model->push_back(ConvBlock(ConvBlockOptions{dim, 2 * dim, 4, 2, 1}));
  model->push_back(ResBlocks(c.res_blocks, dim));
  model_ = register_module("model", model);
}

ImageDecoderImpl::ImageDecoderImpl(const CodecConfig& c) : config_(c) {
  Validate(c, "decoder");
  Chain model;
  model->push_back(ResBlocks(c.res_blocks, c.dim));
  int64_t dim = c.dim;
  for (int64_t i = 0; i < c.resample; ++i, dim /= 2) {
    model->push_back(Upsample2());
    model->push_back(ConvBlock(ConvBlockOptions{dim, dim / 2, 5, 1, 2}));
  }
  ConvBlockOptions out{dim, c.image_channels, 7, 1, 3};
  out.instance_norm = false;
  out.activation = Activation::kTanh;
  model->push_back(ConvBlock(out));
  model_ = register_module("model", model);
}

}  // namespace diga::model::translator
