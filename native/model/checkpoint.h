// Activation checkpointing of backbone modules: the forward pass keeps only a
// module's inputs; backward runs the module again with grad on and
// backpropagates through that copy. Trades compute for memory. BatchNorm
// running statistics are updated by both runs, as with PyTorch's reentrant
// checkpoint.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/hrnet.h"

namespace diga::model {

std::vector<torch::Tensor> CheckpointedForward(HighResolutionModuleImpl& module, const std::vector<torch::Tensor>& inputs);

}  // namespace diga::model
