#include "model/hrnet.h"

#include "model/checkpoint.h"

#include <string>

#include "model/blocks.h"
#include "model/layers.h"

namespace diga::model {

torch::Tensor ResizeAligned(const torch::Tensor& x, int64_t height, int64_t width) {
  if (x.size(2) == height && x.size(3) == width) return x;
  return at::upsample_bilinear2d(x, {height, width}, /*align_corners=*/true);
}

// ---- HighResolutionModule --------------------------------------------------

HighResolutionModuleImpl::HighResolutionModuleImpl(const std::vector<int64_t>& channels,
                                                   int64_t blocks) {
  const size_t n = channels.size();
  branches_ = register_module("branches", torch::nn::ModuleList());
  for (size_t b = 0; b < n; ++b) {
    Chain seq;
    for (int64_t k = 0; k < blocks; ++k) seq->push_back(BasicBlock(channels[b], channels[b]));
    branches_->push_back(seq);
    branch_seqs_.push_back(seq);
  }

  // Every branch receives every other one (HRNetV2 keeps all outputs).
  fuse_layers_ = register_module("fuse_layers", torch::nn::ModuleList());
  fuse_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    torch::nn::ModuleList row;
    for (size_t j = 0; j < n; ++j) {
      Chain seq;
      if (j > i) {
        // Lower resolution: 1x1 conv to branch i's width, upsampled in forward.
        seq->push_back(Conv(channels[j], channels[i], 1, 1, false));
        seq->push_back(BatchNorm(channels[i]));
      } else if (j < i) {
        // Higher resolution: i - j stride-2 3x3 convs; only the last changes width
        // and only the others are followed by ReLU.
        for (size_t k = 0; k < i - j; ++k) {
          const bool last = k + 1 == i - j;
          const int64_t out = last ? channels[i] : channels[j];
          Chain step(Conv(channels[j], out, 3, 2, false), BatchNorm(out));
          if (!last) step->push_back(InplaceRelu());
          seq->push_back(step);
        }
      }
      if (i == j) {
        row->push_back(torch::nn::Identity());
        fuse_[i].push_back(Chain(nullptr));
      } else {
        row->push_back(seq);
        fuse_[i].push_back(seq);
      }
    }
    fuse_layers_->push_back(row);
  }
}

std::vector<torch::Tensor> HighResolutionModuleImpl::forward(std::vector<torch::Tensor> x) {
  const size_t n = branch_seqs_.size();
  TORCH_CHECK(x.size() == n, "HighResolutionModule expects ", n, " inputs, got ", x.size());
  for (size_t b = 0; b < n; ++b) x[b] = branch_seqs_[b]->forward(x[b]);

  if (InferenceScope::Active()) return FuseInPlace(std::move(x));

  std::vector<torch::Tensor> fused;
  fused.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t h = x[i].size(2), w = x[i].size(3);
    torch::Tensor y = i == 0 ? x[0] : fuse_[i][0]->forward(x[0]);
    for (size_t j = 1; j < n; ++j) {
      if (j == i) {
        y = y + x[j];
      } else if (j > i) {
        y = y + ResizeAligned(fuse_[i][j]->forward(x[j]), h, w);
      } else {
        y = y + fuse_[i][j]->forward(x[j]);
      }
    }
    // y is a fresh sum except when n == 1 (not built here), so relu_ is safe.
    fused.push_back(y.relu_());
  }
  return fused;
}

// The same sums for inference, accumulated in place with the last add and the
// ReLU in one pass: the same values up to float rounding order, fewer passes over memory.
std::vector<torch::Tensor> HighResolutionModuleImpl::FuseInPlace(std::vector<torch::Tensor> x) {
  const size_t n = x.size();
  std::vector<torch::Tensor> fused;
  fused.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t h = x[i].size(2), w = x[i].size(3);
    // Row 0 starts from x[0] itself, which the other rows read too: its first sum is out of place.
    torch::Tensor y = i == 0 ? x[0] : fuse_[i][0]->forward(x[0]);
    bool own = i != 0;
    for (size_t j = 1; j < n; ++j) {
      torch::Tensor term = j == i  ? x[j]
                           : j > i ? ResizeAligned(fuse_[i][j]->forward(x[j]), h, w)
                                   : fuse_[i][j]->forward(x[j]);
      if (!own) {
        y = y + term;
        own = true;
        if (j + 1 == n) y.relu_();
      } else if (j + 1 == n) {
        AddReluInPlace(y, term);
      } else {
        y.add_(term);
      }
    }
    fused.push_back(y);
  }
  return fused;
}

// ---- Transition ------------------------------------------------------------

TransitionImpl::TransitionImpl(const std::vector<int64_t>& pre, const std::vector<int64_t>& cur) {
  for (size_t i = 0; i < cur.size(); ++i) {
    const std::string name = std::to_string(i);
    if (i < pre.size()) {
      if (cur[i] == pre[i]) {
        register_module(name, torch::nn::Identity());
        layers_.push_back(Chain(nullptr));
      } else {
        // Same resolution, new width: one 3x3 conv + BN + ReLU.
        auto seq = register_module(
            name, Chain(Conv(pre[i], cur[i], 3, 1, false), BatchNorm(cur[i]), InplaceRelu()));
        layers_.push_back(seq);
      }
    } else {
      // A new, lower-resolution branch from the last existing one: stride-2
      // convs, each conv + BN + ReLU a numbered group of its own.
      Chain seq;
      const int64_t in = pre.back();
      for (size_t k = 0; k < i + 1 - pre.size(); ++k) {
        const int64_t out = k == i - pre.size() ? cur[i] : in;
        seq->push_back(Chain(Conv(in, out, 3, 2, false), BatchNorm(out), InplaceRelu()));
      }
      layers_.push_back(register_module(name, seq));
    }
  }
}

std::vector<torch::Tensor> TransitionImpl::forward(const std::vector<torch::Tensor>& x) {
  std::vector<torch::Tensor> out;
  out.reserve(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i) {
    const torch::Tensor& src = i < x.size() ? x[i] : x.back();
    out.push_back(layers_[i] ? layers_[i]->forward(src) : src);
  }
  return out;
}

// ---- HRNet -----------------------------------------------------------------

HRNetImpl::HRNetImpl(const ModelConfig& c) {
  conv1_ = register_module("conv1", Conv(3, c.stem, 3, 2, false));
  bn1_ = register_module("bn1", BatchNorm(c.stem));
  conv2_ = register_module("conv2", Conv(c.stem, c.stem, 3, 2, false));
  bn2_ = register_module("bn2", BatchNorm(c.stem));

  stage1_ = register_module("stage1", Chain());
  int64_t in = c.stem;
  for (int64_t k = 0; k < c.stage1_blocks; ++k) {
    stage1_->push_back(Bottleneck(in, c.stage1_width));
    in = c.Stage1Out();
  }

  std::vector<int64_t> pre{c.Stage1Out()};
  for (size_t s = 0; s < 3; ++s) {
    const size_t branches = s + 2;
    std::vector<int64_t> cur(c.widths.begin(), c.widths.begin() + branches);
    const std::string from = std::to_string(s + 1), to = std::to_string(s + 2);
    transitions_.push_back(
        register_module("transition_stage_" + from + "_" + to, Transition(pre, cur)));
    auto list = register_module("stage" + to, torch::nn::ModuleList());
    stages_.emplace_back();
    for (int64_t m = 0; m < c.modules[s]; ++m) {
      HighResolutionModule module(cur, c.blocks);
      list->push_back(module);
      stages_.back().push_back(module);
    }
    pre = cur;
  }

  // Published initialisation: backbone convs N(0, 0.001), BN weight 1, bias 0.
  torch::NoGradGuard no_grad;
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* conv = m->as<torch::nn::Conv2dImpl>()) {
      conv->weight.normal_(0.0, 0.001);
    } else if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) {
      bn->weight.fill_(1.0);
      bn->bias.zero_();
    }
  }
}

torch::Tensor HRNetImpl::forward(const torch::Tensor& input) {
  TORCH_CHECK(input.dim() == 4 && input.size(1) == 3,
              "model input must be N x 3 x H x W (normalised RGB), got shape ", input.sizes());
  TORCH_CHECK(input.numel() > 0, "model input is empty (shape ", input.sizes(), ")");
  const auto& weight = conv1_->weight;
  TORCH_CHECK(input.scalar_type() == weight.scalar_type() && input.device() == weight.device(),
              "model input is ", input.scalar_type(), " on ", input.device(),
              " but the model's weights are ", weight.scalar_type(), " on ", weight.device(),
              "; convert the input (or move the model) first");
  auto x = stem_fold1_(*conv1_, *bn1_, input, /*relu=*/true);
  x = stem_fold2_(*conv2_, *bn2_, x, /*relu=*/true);
  x = stage1_->forward(x);

  std::vector<torch::Tensor> y{x};
  for (size_t s = 0; s < stages_.size(); ++s) {
    y = transitions_[s]->forward(y);
    const bool recompute = checkpointing_ && is_training() && torch::GradMode::is_enabled();
    for (auto& module : stages_[s]) y = recompute ? CheckpointedForward(*module, y) : module->forward(std::move(y));
  }

  const int64_t h = y[0].size(2), w = y[0].size(3);
  std::vector<torch::Tensor> parts{y[0]};
  for (size_t b = 1; b < y.size(); ++b) parts.push_back(ResizeAligned(y[b], h, w));
  return torch::cat(parts, 1);
}

}  // namespace diga::model
