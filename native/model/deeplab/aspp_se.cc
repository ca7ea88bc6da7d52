#include "model/deeplab/aspp_se.h"

#include <stdexcept>
#include <string>

namespace diga::model::deeplab {
namespace {

// CPU autocast (libtorch 1.13 and 2.x alike) does not run group_norm in float32 as CUDA autocast
// does, so a bfloat16 activation would meet float32 affine parameters and the kernel refuse it.
// The input is cast to the parameters' type first: a no-op outside autocast, and on CUDA, where
// autocast has already done it.
class GroupNormF32Impl : public torch::nn::GroupNormImpl {
 public:
  using torch::nn::GroupNormImpl::GroupNormImpl;
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::nn::GroupNormImpl::forward(x.scalar_type() == weight.scalar_type() ? x : x.to(weight.scalar_type()));
  }
};
TORCH_MODULE(GroupNormF32);

GroupNormF32 GroupNorm(int64_t groups, int64_t channels) {
  return GroupNormF32(torch::nn::GroupNormOptions(groups, channels).eps(1e-5).affine(true));
}

Chain Branch(const DeepLabConfig& c, int64_t kernel, int64_t dilation) {
  auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(c.HeadIn(), c.branch, kernel)
                                    .padding(kernel == 1 ? 0 : dilation)
                                    .dilation(dilation)
                                    .bias(true));
  return Chain(conv, GroupNorm(c.gn_groups, c.branch), InplaceRelu());
}

std::string ShapeText(c10::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

SqueezeExciteImpl::SqueezeExciteImpl(int64_t channels, int64_t hidden) {
  se_ = register_module("se", torch::nn::Sequential(torch::nn::Linear(channels, hidden), torch::nn::ReLU(),
                                                     torch::nn::Linear(hidden, channels), torch::nn::Sigmoid()));
}

torch::Tensor SqueezeExciteImpl::forward(const torch::Tensor& x) {
  auto w = se_->forward(x.mean({2, 3}));
  return x * w.unsqueeze(-1).unsqueeze(-1);
}

torch::Tensor ChannelDropoutImpl::forward(const torch::Tensor& x) {
  if (!is_training()) return x;
  torch::Tensor keep = std::move(next_keep_);
  next_keep_ = torch::Tensor();
  if (!keep.defined()) {
    if (p_ == 0) return x;
    return torch::nn::functional::dropout2d(x, torch::nn::functional::Dropout2dFuncOptions().p(p_).training(true));
  }
  const std::vector<int64_t> want{x.size(0), x.size(1), 1, 1};
  if (keep.sizes() != c10::IntArrayRef(want)) {
    throw std::invalid_argument("dropout keep mask has shape " + ShapeText(keep.sizes()) + ", the features need " +
                                ShapeText(want));
  }
  // As PyTorch: the 0/1 noise divided by (1 - p) in the features' dtype, then multiplied.
  auto noise = keep.to(x.options()).div(1 - p_);
  return x * noise;
}

AsppSeHeadImpl::AsppSeHeadImpl(const DeepLabConfig& c) {
  conv2d_list_ = register_module("conv2d_list", torch::nn::ModuleList());
  branches_.push_back(Branch(c, 1, 1));
  for (int64_t d : c.dilations) branches_.push_back(Branch(c, 3, d));
  for (auto& b : branches_) conv2d_list_->push_back(b);
  auto fuse = torch::nn::Conv2d(torch::nn::Conv2dOptions(c.Concat(), c.branch, 3).padding(1).bias(true));
  bottleneck_ = register_module("bottleneck", Chain(SqueezeExcite(c.Concat(), c.se_hidden), fuse, GroupNorm(c.gn_groups, c.branch)));
  dropout_ = ChannelDropout(c.dropout);
  classifier_ = torch::nn::Conv2d(torch::nn::Conv2dOptions(c.branch, c.classes, 1).bias(false));
  head_ = register_module("head", torch::nn::Sequential(dropout_, classifier_));
}

HeadOutput AsppSeHeadImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> outs;
  outs.reserve(branches_.size());
  for (auto& b : branches_) outs.push_back(b->forward(x));
  HeadOutput out;
  out.features = dropout_->forward(bottleneck_->forward(torch::cat(outs, 1)));
  out.logits = classifier_->forward(out.features);
  return out;
}

}  // namespace diga::model::deeplab
