// The whole segmentation network: HRNetV2 backbone ("hrnet.*") followed by
// the OCR head ("ocrnet.*"). Its state dict matches the published one name
// for name and in order, so published checkpoints load as they are.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "model/config.h"
#include "model/hrnet.h"
#include "model/ocr.h"

namespace diga::model {

// All four at 1/4 input resolution.
struct SegOutput {
  torch::Tensor backbone;        // N x RawIn() x h x w
  torch::Tensor aux;             // N x classes x h x w
  torch::Tensor main;            // N x classes x h x w
  torch::Tensor pixel_features;  // N x pix x h x w
};

class SegModelImpl : public torch::nn::Module {
 public:
  explicit SegModelImpl(const ModelConfig& config);
  SegOutput forward(const torch::Tensor& x);
  const ModelConfig& config() const { return config_; }
  // Activation checkpointing of the backbone's stage modules (training only).
  void set_checkpointing(bool on) { hrnet_->set_checkpointing(on); }
  bool checkpointing() const { return hrnet_->checkpointing(); }
  // BatchNorm folded into the convolutions when in eval mode with gradients off
  // (see fold.h). Off by default so that evaluation repeats earlier runs bit for bit.
  void set_fold_batch_norm(bool on) { fold_batch_norm_ = on; }
  bool fold_batch_norm() const { return fold_batch_norm_; }

 private:
  ModelConfig config_;
  HRNet hrnet_{nullptr};
  OcrHead ocrnet_{nullptr};
  bool fold_batch_norm_ = false;
};
TORCH_MODULE(SegModel);

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// PyTorch's state_dict order: modules pre-order, each module's own parameters
// then its own buffers. The tensors are the module's own (shared, not copied).
NamedTensors StateDictEntries(SegModel& model);
NamedTensors NamedParameters(SegModel& model);
NamedTensors NamedBuffers(SegModel& model);
// The same for any module (the other networks share these walks).
NamedTensors StateDictEntries(torch::nn::Module& module);
NamedTensors NamedParameters(torch::nn::Module& module);
NamedTensors NamedBuffers(torch::nn::Module& module);

// Stores every 4-d parameter and buffer channels-last (in place: tensors
// handed out before keep pointing at the model's storage).
void ToChannelsLast(SegModel& model);
void ToChannelsLast(torch::nn::Module& module);

}  // namespace diga::model
