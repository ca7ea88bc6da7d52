// HRNetV2 backbone: stem, stage 1 (Bottlenecks), stages 2-4 of parallel
// branches with multi-resolution fusion, and the concatenated output at 1/4
// input resolution.
//
// Positions that the published model leaves empty (None: a transition that
// keeps a branch as it is, fuse_layers[i][i]) hold a parameter-free Identity,
// so numbering and state-dict names stay as published.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/config.h"
#include "model/fold.h"
#include "model/layers.h"

namespace diga::model {

class HighResolutionModuleImpl : public torch::nn::Module {
 public:
  // `channels`: width of each branch (inputs already have these widths).
  HighResolutionModuleImpl(const std::vector<int64_t>& channels, int64_t blocks);
  std::vector<torch::Tensor> forward(std::vector<torch::Tensor> x);

 private:
  std::vector<torch::Tensor> FuseInPlace(std::vector<torch::Tensor> x);

  torch::nn::ModuleList branches_{nullptr};
  torch::nn::ModuleList fuse_layers_{nullptr};
  std::vector<Chain> branch_seqs_;
  // fuse_[i][j] brings branch j to branch i; empty holder for i == j.
  std::vector<std::vector<Chain>> fuse_;
};
TORCH_MODULE(HighResolutionModule);

// The modules between two stages that adapt widths and open the new branch.
class TransitionImpl : public torch::nn::Module {
 public:
  TransitionImpl(const std::vector<int64_t>& pre, const std::vector<int64_t>& cur);
  std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& x);

 private:
  // Registered directly as numbered children: "<i>.<...>", as ModuleList does.
  std::vector<Chain> layers_;  // empty holder: branch passes through
};
TORCH_MODULE(Transition);

class HRNetImpl : public torch::nn::Module {
 public:
  explicit HRNetImpl(const ModelConfig& config);
  // Backbone features: all branches upsampled to branch 0 and concatenated.
  torch::Tensor forward(const torch::Tensor& x);
  // Recompute the stage modules in backward instead of keeping their activations.
  void set_checkpointing(bool on) { checkpointing_ = on; }
  bool checkpointing() const { return checkpointing_; }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  FoldedConvBn stem_fold1_, stem_fold2_;
  Chain stage1_{nullptr};
  std::vector<Transition> transitions_;
  std::vector<std::vector<HighResolutionModule>> stages_;
  bool checkpointing_ = false;
};
TORCH_MODULE(HRNet);

// Bilinear resize with align_corners = true, as the published model uses.
torch::Tensor ResizeAligned(const torch::Tensor& x, int64_t height, int64_t width);

}  // namespace diga::model
