// oneDNN called directly for inference convolutions on the CPU, in builds that
// link the same libdnnl as libtorch (Debian's libtorch-dev with libdnnl-dev).
//
// libtorch reaches oneDNN only through direct convolution. Called directly,
// oneDNN also runs Winograd F(4x4, 3x3), which needs about a quarter of the
// multiplications of a 3x3 stride-1 convolution: over twice as fast on the wide
// convolutions that dominate HRNet + OCR, at about 1e-6 of the output's range.
// It runs on channels-last float32 input only, with the ReLU fused; builds
// without it (pip torch ships no oneDNN headers) use libtorch's prepacked op.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace diga::model::onednn {

struct ConvGeometry {
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1;
};

struct Conv;
struct ConvDeleter {
  void operator()(Conv* conv) const;
};
using ConvPtr = std::unique_ptr<Conv, ConvDeleter>;

// A convolution of these float32 weights (OIHW, folded) and bias, ReLU fused
// when `relu`; null where this build has no direct oneDNN or the geometry is
// one it does not take (grouped convolutions).
ConvPtr Create(const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
               const ConvGeometry& geometry, bool relu);

// The output, channels-last; undefined when `x` is not a channels-last
// float32 CPU tensor, for the caller to take another path. `winograd` says
// which algorithm ran.
torch::Tensor Run(Conv& conv, const torch::Tensor& x, bool* winograd);

struct Facts {
  bool linked = false;    // this build calls oneDNN directly
  std::string version;    // of the libdnnl loaded, when linked
  bool winograd = false;  // Winograd is used where it applies (DIGA_WINOGRAD=off turns it off)
};
Facts Info();
void SetWinograd(bool on);

}  // namespace diga::model::onednn
