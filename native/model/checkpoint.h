// Activation checkpointing of network segments: the forward pass keeps only a
// segment's inputs; backward runs the segment again with grad on and
// backpropagates through that copy. Trades compute for memory. BatchNorm
// running statistics are updated by both runs, as with PyTorch's reentrant
// checkpoint.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace diga::model {

class HighResolutionModuleImpl;

// A segment to recompute: `run(segment, inputs)` with `segment` the address of
// an object the model owns (it outlives the step's graph). A plain function
// pointer, so that it travels with the graph node as an integer.
using SegmentRun = std::vector<torch::Tensor> (*)(int64_t segment, const std::vector<torch::Tensor>& inputs);

std::vector<torch::Tensor> CheckpointedCall(SegmentRun run, int64_t segment, const std::vector<torch::Tensor>& inputs);

std::vector<torch::Tensor> CheckpointedForward(HighResolutionModuleImpl& module, const std::vector<torch::Tensor>& inputs);

}  // namespace diga::model
