// One inference convolution on the CPU in float32, with its bias and an
// optional fused ReLU, on the fastest path this build and input allow:
//   1. oneDNN called directly on channels-last input, with Winograd where it
//      applies (onednn_conv.h);
//   2. libtorch's oneDNN prepacked op (mkldnn_prepacked::conv2d_run): weights
//      reordered once, ReLU fused;
//   3. at::conv2d.
#pragma once

#include <ATen/core/ivalue.h>
#include <torch/torch.h>

#include "model/onednn_conv.h"

namespace diga::model {

// How many convolutions each path has run, since the process started.
struct CpuConvCounts {
  uint64_t winograd = 0, direct = 0, prepacked = 0, plain = 0;
};
CpuConvCounts CpuConvRuns();

class CpuConv {
 public:
  CpuConv(torch::Tensor weight, c10::optional<torch::Tensor> bias, onednn::ConvGeometry geometry,
          bool relu);
  torch::Tensor operator()(const torch::Tensor& x);

  // Whether `x` and `weight` are for this class: float32 CPU, 4-d, no autocast.
  static bool Takes(const torch::Tensor& x, const torch::Tensor& weight);

 private:
  torch::Tensor weight_;
  c10::optional<torch::Tensor> bias_;
  onednn::ConvGeometry geometry_;
  bool relu_;
  onednn::ConvPtr direct_;
  c10::IValue packed_;
};

}  // namespace diga::model
