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

torch::nn::ReLU InplaceRelu() { return torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)); }

}  // namespace diga::model
