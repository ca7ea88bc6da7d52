#include "model/blocks.h"

#include "model/layers.h"

namespace diga::model {

Chain MakeDownsample(int64_t in, int64_t out) {
  if (in == out) return Chain(nullptr);
  return Chain(Conv(in, out, 1, 1, false), BatchNorm(out));
}

BasicBlockImpl::BasicBlockImpl(int64_t in, int64_t width) {
  conv1_ = register_module("conv1", Conv(in, width, 3, 1, false));
  bn1_ = register_module("bn1", BatchNorm(width));
  conv2_ = register_module("conv2", Conv(width, width, 3, 1, false));
  bn2_ = register_module("bn2", BatchNorm(width));
  auto down = MakeDownsample(in, width * kExpansion);
  if (down) downsample_ = register_module("downsample", down);
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  auto out = fold1_(*conv1_, *bn1_, x, /*relu=*/true);
  out = fold2_(*conv2_, *bn2_, out);
  const auto residual = downsample_ ? downsample_->forward(x) : x;
  if (InferenceScope::Active()) return AddReluInPlace(out, residual);
  out = out + residual;
  return out.relu_();
}

BottleneckImpl::BottleneckImpl(int64_t in, int64_t width) {
  conv1_ = register_module("conv1", Conv(in, width, 1, 1, false));
  bn1_ = register_module("bn1", BatchNorm(width));
  conv2_ = register_module("conv2", Conv(width, width, 3, 1, false));
  bn2_ = register_module("bn2", BatchNorm(width));
  conv3_ = register_module("conv3", Conv(width, width * kExpansion, 1, 1, false));
  bn3_ = register_module("bn3", BatchNorm(width * kExpansion));
  auto down = MakeDownsample(in, width * kExpansion);
  if (down) downsample_ = register_module("downsample", down);
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor& x) {
  auto out = fold1_(*conv1_, *bn1_, x, /*relu=*/true);
  out = fold2_(*conv2_, *bn2_, out, /*relu=*/true);
  out = fold3_(*conv3_, *bn3_, out);
  const auto residual = downsample_ ? downsample_->forward(x) : x;
  if (InferenceScope::Active()) return AddReluInPlace(out, residual);
  out = out + residual;
  return out.relu_();
}

}  // namespace diga::model
