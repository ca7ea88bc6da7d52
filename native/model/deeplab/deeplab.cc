#include "model/deeplab/deeplab.h"

#include "model/deeplab/resnet.h"

namespace diga::model::deeplab {

DeepLabV2Impl::DeepLabV2Impl(const DeepLabConfig& config) : config_(config) {
  Validate(config_);
  layer0_ = register_module("layer0", MakeStem(config_.stem));
  Chain* layers[4] = {&layer1_, &layer2_, &layer3_, &layer4_};
  int64_t in = config_.stem;
  for (size_t i = 0; i < 4; ++i) {
    *layers[i] = register_module("layer" + std::to_string(i + 1), MakeLayer(config_, i, in));
    in = config_.OutChannels(i);
  }
  final_ = register_module("final", AsppSeHead(config_));
  InitWeights();
}

// The published initialisation: every conv N(0, 0.01), norms at weight 1 and
// bias 0, the fusing conv's bias 0; branch biases and the SE FCs keep
// PyTorch's defaults. Pretrained backbone weights are loaded over it.
void DeepLabV2Impl::InitWeights() {
  torch::NoGradGuard no_grad;
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* conv = m->as<torch::nn::Conv2dImpl>()) conv->weight.normal_(0, 0.01);
  }
  for (auto& entry : final_->named_parameters()) {
    if (entry.key() == "bottleneck.1.bias") entry.value().zero_();
  }
}

void DeepLabV2Impl::set_checkpointing(bool on) {
  checkpointing_ = on;
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* block = m->as<DilatedBottleneckImpl>()) block->set_checkpointing(on);
  }
}

DeepLabOutput DeepLabV2Impl::forward(const torch::Tensor& x) {
  DeepLabOutput out;
  out.layer2 = layer2_->forward(layer1_->forward(layer0_->forward(x)));
  out.layer4 = layer4_->forward(layer3_->forward(out.layer2));
  HeadOutput head = final_->forward(out.layer4);
  out.logits = std::move(head.logits);
  out.features = std::move(head.features);
  return out;
}

}  // namespace diga::model::deeplab
