#include "model/layers.h"

namespace diga::model {

torch::nn::Conv2d Conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, bool bias) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(kernel / 2)
                               .bias(bias));
}

torch::nn::BatchNorm2d BatchNorm(int64_t channels) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).momentum(0.1).eps(1e-5));
}

torch::Tensor ChainImpl::forward(const torch::Tensor& x) {
  if (!InferenceScope::Active()) return SequentialImpl::forward(x);
  if (folds_.size() != size()) folds_.resize(size());
  torch::Tensor y = x;
  for (size_t i = 0; i < size(); ++i) {
    auto* conv = ptr(i)->as<torch::nn::Conv2dImpl>();
    auto* bn = i + 1 < size() ? ptr(i + 1)->as<torch::nn::BatchNorm2dImpl>() : nullptr;
    if (conv != nullptr && bn != nullptr) {
      // A ReLU right after the pair runs inside the folded conv.
      const bool relu = i + 2 < size() && ptr(i + 2)->as<torch::nn::ReLUImpl>() != nullptr;
      y = folds_[i](*conv, *bn, y, relu);
      i += relu ? 2 : 1;
    } else {
      y = begin()[static_cast<std::ptrdiff_t>(i)].forward(y);
    }
  }
  return y;
}

torch::nn::ReLU InplaceRelu() { return torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)); }

}  // namespace diga::model
