#include "model/fold.h"

#include <vector>

namespace diga::model {

namespace {
thread_local bool fold_active = false;

// The padding the module computed itself: its options hold a variant whose type
// differs between libtorch 1.x (c10::variant) and 2.x (std::variant), and the
// resolved member is protected, hence this accessor.
struct ConvPadding : torch::nn::Conv2dImpl {
  static std::vector<int64_t> Of(const torch::nn::Conv2dImpl& conv) {
    const auto& reversed = conv.*(&ConvPadding::_reversed_padding_repeated_twice);  // {w, w, h, h}
    return {reversed[2], reversed[0]};
  }
};

onednn::ConvGeometry GeometryOf(const torch::nn::Conv2dImpl& conv) {
  const auto& o = conv.options;
  const auto stride = *o.stride(), dilation = *o.dilation();
  return {std::vector<int64_t>(stride.begin(), stride.end()), ConvPadding::Of(conv),
          std::vector<int64_t>(dilation.begin(), dilation.end()), o.groups()};
}

bool Foldable(const torch::nn::BatchNorm2dImpl& bn) {
  return InferenceScope::Active() && !bn.is_training() && !torch::GradMode::is_enabled() &&
         bn.options.affine() && bn.options.track_running_stats();
}
}  // namespace

InferenceScope::InferenceScope(bool on) : previous_(fold_active) { fold_active = on; }
InferenceScope::~InferenceScope() { fold_active = previous_; }
bool InferenceScope::Active() { return fold_active; }

torch::Tensor AddReluInPlace(torch::Tensor& y, const torch::Tensor& other) {
  // libtorch's fused add-ReLU kernel is CPU only, and float32/64 only among floats.
  const auto t = y.scalar_type();
  if (y.is_cpu() && (t == at::kFloat || t == at::kDouble) && other.scalar_type() == t) {
    return at::_add_relu_(y, other);
  }
  return y.add_(other).relu_();
}

torch::Tensor FoldedConvBn::operator()(torch::nn::Conv2dImpl& conv,
                                       torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                                       bool relu) {
  if (!Foldable(bn)) {
    auto y = bn.forward(conv.forward(x));
    return relu ? y.relu_() : y;
  }
  Refresh(conv, bn);
  if (CpuConv::Takes(x, weight_)) return Fast(conv, relu)(x);
  const auto& o = conv.options;
  auto y = at::conv2d(x, weight_, bias_, *o.stride(), ConvPadding::Of(conv), *o.dilation(), o.groups());
  return relu ? y.relu_() : y;
}

CpuConv& FoldedConvBn::Fast(torch::nn::Conv2dImpl& conv, bool relu) {
  auto& fast = fast_[relu ? 1 : 0];
  if (!fast) fast = std::make_unique<CpuConv>(weight_, bias_, GeometryOf(conv), relu);
  return *fast;
}

torch::Tensor FoldedConvBn::OnConcat(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn,
                                     const torch::Tensor& a, const torch::Tensor& b, bool relu) {
  if (!Foldable(bn) || conv.options.groups() != 1) {
    auto y = bn.forward(conv.forward(torch::cat({a, b}, 1)));
    return relu ? y.relu_() : y;
  }
  Refresh(conv, bn);
  if (!CpuConv::Takes(a, weight_) || !CpuConv::Takes(b, weight_)) return (*this)(conv, bn, torch::cat({a, b}, 1), relu);
  // A convolution is linear in its input channels: split the weights instead of
  // writing (and reading back) the concatenation.
  if (!split_[0]) {
    const int64_t ca = a.size(1);
    const auto format = weight_.suggest_memory_format();
    split_[0] = std::make_unique<CpuConv>(weight_.narrow(1, 0, ca).contiguous(format), bias_, GeometryOf(conv), false);
    split_[1] = std::make_unique<CpuConv>(weight_.narrow(1, ca, weight_.size(1) - ca).contiguous(format),
                                          c10::nullopt, GeometryOf(conv), false);
  }
  auto y = (*split_[0])(a);
  return relu ? AddReluInPlace(y, (*split_[1])(b)) : y.add_((*split_[1])(b));
}

void FoldedConvBn::Refresh(torch::nn::Conv2dImpl& conv, torch::nn::BatchNorm2dImpl& bn) {
  const std::array<const torch::Tensor*, 6> src{&conv.weight, &conv.bias, &bn.weight,
                                                &bn.bias, &bn.running_mean, &bn.running_var};
  bool fresh = weight_.defined();
  for (size_t i = 0; i < src.size(); ++i) {
    const torch::Tensor& t = *src[i];
    const void* ptr = t.defined() ? t.data_ptr() : nullptr;
    const uint32_t version = t.defined() ? t._version() : 0;
    if (ptr != sources_[i] || version != versions_[i]) fresh = false;
    sources_[i] = ptr;
    versions_[i] = version;
  }
  if (fresh) return;
  fast_ = {};
  split_ = {};
  // Fold in float32 at least, whatever the weights' dtype, then store in theirs.
  const auto compute = conv.weight.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  const auto scale = bn.weight.to(compute) / (bn.running_var.to(compute) + bn.options.eps()).sqrt();
  const auto conv_bias = conv.bias.defined() ? conv.bias.to(compute)
                                             : torch::zeros_like(bn.running_mean, compute);
  const auto format = conv.weight.suggest_memory_format();
  weight_ = (conv.weight.to(compute) * scale.reshape({-1, 1, 1, 1}))
                .to(conv.weight.scalar_type())
                .contiguous(format);
  bias_ = ((conv_bias - bn.running_mean.to(compute)) * scale + bn.bias.to(compute))
              .to(conv.weight.scalar_type());
}

}  // namespace diga::model
