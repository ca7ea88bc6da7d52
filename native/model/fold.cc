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

bool Foldable(const torch::nn::BatchNorm2dImpl& bn) {
  return FoldScope::Active() && !bn.is_training() && !torch::GradMode::is_enabled() &&
         bn.options.affine() && bn.options.track_running_stats();
}
}  // namespace

FoldScope::FoldScope(bool on) : previous_(fold_active) { fold_active = on; }
FoldScope::~FoldScope() { fold_active = previous_; }
bool FoldScope::Active() { return fold_active; }

torch::Tensor FoldedConvBn::operator()(torch::nn::Conv2dImpl& conv,
                                       torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x) {
  if (!Foldable(bn)) return bn.forward(conv.forward(x));
  Refresh(conv, bn);
  const auto& o = conv.options;
  return at::conv2d(x, weight_, bias_, *o.stride(), ConvPadding::Of(conv), *o.dilation(), o.groups());
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
