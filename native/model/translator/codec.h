// The image translator's encoder and decoder (published `ImgEncoder`,
// `ImgDecoder`): reflect-padded convs with InstanceNorm and ReLU, a few
// residual blocks at the bottom, nearest-neighbour upsampling on the way up
// and a tanh image out. Their "model.<i>" indices are the published ones.
#pragma once

#include <torch/torch.h>

#include "model/layers.h"
#include "model/translator/blocks.h"

namespace diga::model::translator {

struct CodecConfig {
  int64_t dim = 64;       // encoder: width of the first conv; decoder: channels it takes in
  int64_t resample = 2;   // stride-2 downsamplings (encoder) or x2 upsamplings (decoder)
  int64_t res_blocks = 4;
  int64_t image_channels = 3;
};

// Throws std::invalid_argument naming the bad field (JS names).
void Validate(const CodecConfig& c, const char* what);

// 7x7 conv -> `resample` 4x4/2 convs doubling the width -> residual blocks.
// Output: dim * 2^resample channels at 1 / 2^resample of the input size.
class ImageEncoderImpl : public torch::nn::Module {
 public:
  explicit ImageEncoderImpl(const CodecConfig& c);
  torch::Tensor forward(const torch::Tensor& x) { return model_->forward(x); }
  const CodecConfig& config() const { return config_; }

 private:
  CodecConfig config_;
  Chain model_{nullptr};
};
TORCH_MODULE(ImageEncoder);

// Residual blocks -> `resample` times [nearest x2, 5x5 conv halving the width]
// -> 7x7 conv to the image channels, tanh.
class ImageDecoderImpl : public torch::nn::Module {
 public:
  explicit ImageDecoderImpl(const CodecConfig& c);
  torch::Tensor forward(const torch::Tensor& x) { return model_->forward(x); }
  const CodecConfig& config() const { return config_; }

 private:
  CodecConfig config_;
  Chain model_{nullptr};
};
TORCH_MODULE(ImageDecoder);

// Nearest-neighbour x2 upsampling as a module (no tensors).
class Upsample2Impl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(Upsample2);

}  // namespace diga::model::translator
