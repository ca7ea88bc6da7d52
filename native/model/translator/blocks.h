// The translator's building blocks: a padded conv with optional instance norm
// and activation (state-dict name "conv"), and residual blocks of two of them.
// Only the conv holds tensors: padding, InstanceNorm (no affine, no running
// statistics) and the activation are plain functions, so the state dict lists
// exactly the published entries.
#pragma once

#include <torch/torch.h>

#include "model/layers.h"

namespace diga::model::translator {

enum class Activation { kNone, kRelu, kLeakyRelu, kTanh };
enum class Padding { kReflect, kZero };

struct ConvBlockOptions {
  int64_t in, out, kernel, stride = 1, padding = 0;
  bool instance_norm = true;
  Activation activation = Activation::kRelu;
  Padding pad = Padding::kReflect;
  bool bias = true;
};

// pad -> conv -> InstanceNorm (eps 1e-5) -> activation (LeakyReLU slope 0.2).
class ConvBlockImpl : public torch::nn::Module {
 public:
  explicit ConvBlockImpl(const ConvBlockOptions& o);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  ConvBlockOptions o_;
  torch::nn::Conv2d conv_{nullptr};
};
TORCH_MODULE(ConvBlock);

// x + conv(relu(conv(x))) with two 3x3 reflect-padded, instance-normed blocks
// ("model.0", "model.1").
class ResBlockImpl : public torch::nn::Module {
 public:
  explicit ResBlockImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  Chain model_{nullptr};
};
TORCH_MODULE(ResBlock);

// `count` ResBlocks in a row ("model.<i>").
class ResBlocksImpl : public torch::nn::Module {
 public:
  ResBlocksImpl(int64_t count, int64_t channels);
  torch::Tensor forward(const torch::Tensor& x) { return model_->forward(x); }

 private:
  Chain model_{nullptr};
};
TORCH_MODULE(ResBlocks);

}  // namespace diga::model::translator
