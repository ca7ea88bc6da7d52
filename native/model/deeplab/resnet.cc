#include "model/deeplab/resnet.h"

#include "model/checkpoint.h"

namespace diga::model::deeplab {
namespace {

torch::nn::Conv2d PlainConv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                            int64_t dilation) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(padding)
                               .dilation(dilation)
                               .bias(false));
}

constexpr int64_t kStride[4] = {1, 2, 1, 1};
constexpr int64_t kDilation[4] = {1, 1, 2, 4};

}  // namespace

torch::nn::BatchNorm2d FrozenBatchNorm(int64_t channels) {
  auto bn = BatchNorm(channels);
  bn->weight.set_requires_grad(false);
  bn->bias.set_requires_grad(false);
  return bn;
}

DilatedBottleneckImpl::DilatedBottleneckImpl(int64_t in, int64_t width, int64_t stride, int64_t dilation,
                                             bool project) {
  const int64_t out = width * DeepLabConfig::kExpansion;
  conv1_ = register_module("conv1", PlainConv(in, width, 1, stride, 0, 1));
  bn1_ = register_module("bn1", FrozenBatchNorm(width));
  conv2_ = register_module("conv2", PlainConv(width, width, 3, 1, dilation, dilation));
  bn2_ = register_module("bn2", FrozenBatchNorm(width));
  conv3_ = register_module("conv3", PlainConv(width, out, 1, 1, 0, 1));
  bn3_ = register_module("bn3", FrozenBatchNorm(out));
  if (project) downsample_ = register_module("downsample", Chain(PlainConv(in, out, 1, stride, 0, 1), FrozenBatchNorm(out)));
}

namespace {

std::vector<torch::Tensor> RunBottleneck(int64_t segment, const std::vector<torch::Tensor>& inputs) {
  return {reinterpret_cast<DilatedBottleneckImpl*>(segment)->compute(inputs[0])};
}

}  // namespace

torch::Tensor DilatedBottleneckImpl::forward(const torch::Tensor& x) {
  // Only where there is a graph to rebuild; an input without grad (a frozen
  // stem) would leave the parameters' gradients out of the recomputation.
  if (checkpointing_ && is_training() && torch::GradMode::is_enabled() && x.requires_grad()) {
    return CheckpointedCall(&RunBottleneck, reinterpret_cast<int64_t>(this), {x})[0];
  }
  return compute(x);
}

torch::Tensor DilatedBottleneckImpl::compute(const torch::Tensor& x) {
  auto out = bn1_(conv1_(x)).relu_();
  out = bn2_(conv2_(out)).relu_();
  out = bn3_(conv3_(out));
  out = out + (downsample_ ? downsample_->forward(x) : x);
  return out.relu_();
}

Chain MakeStem(int64_t channels) {
  return Chain(PlainConv(3, channels, 7, 2, 3, 1), FrozenBatchNorm(channels), InplaceRelu(),
               torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1).ceil_mode(true)));
}

Chain MakeLayer(const DeepLabConfig& c, size_t index, int64_t in) {
  const int64_t width = c.widths[index], out = c.OutChannels(index);
  const int64_t stride = kStride[index], dilation = kDilation[index];
  // The published projection rule: a stride, a width change or a dilated layer.
  const bool project = stride != 1 || in != out || dilation == 2 || dilation == 4;
  Chain layer;
  layer->push_back(DilatedBottleneck(in, width, stride, dilation, project));
  for (int64_t b = 1; b < c.blocks[index]; ++b) layer->push_back(DilatedBottleneck(out, width, 1, dilation, false));
  return layer;
}

}  // namespace diga::model::deeplab
