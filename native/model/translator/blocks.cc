#include "model/translator/blocks.h"

namespace diga::model::translator {

namespace F = torch::nn::functional;

ConvBlockImpl::ConvBlockImpl(const ConvBlockOptions& o) : o_(o) {
  conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in, o.out, o.kernel).stride(o.stride).bias(o.bias)));
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = x;
  if (o_.padding > 0) {
    const std::vector<int64_t> pad(4, o_.padding);
    y = o_.pad == Padding::kReflect ? F::pad(y, F::PadFuncOptions(pad).mode(torch::kReflect))
                                    : F::pad(y, F::PadFuncOptions(pad).mode(torch::kConstant).value(0));
  }
  y = conv_->forward(y);
  if (o_.instance_norm) y = F::instance_norm(y, F::InstanceNormFuncOptions().eps(1e-5));
  switch (o_.activation) {
    case Activation::kRelu: return y.relu();
    case Activation::kLeakyRelu: return F::leaky_relu(y, F::LeakyReLUFuncOptions().negative_slope(0.2));
    case Activation::kTanh: return y.tanh();
    case Activation::kNone: break;
  }
  return y;
}

ResBlockImpl::ResBlockImpl(int64_t channels) {
  ConvBlockOptions first{channels, channels, 3, 1, 1};
  ConvBlockOptions second = first;
  second.activation = Activation::kNone;
  model_ = register_module("model", Chain(ConvBlock(first), ConvBlock(second)));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x) { return x + model_->forward(x); }

ResBlocksImpl::ResBlocksImpl(int64_t count, int64_t channels) {
  model_ = register_module("model", Chain());
  for (int64_t i = 0; i < count; ++i) model_->push_back(ResBlock(channels));
}

}  // namespace diga::model::translator
