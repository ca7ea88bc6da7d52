#include "model/seg_model.h"

namespace diga::model {

SegModelImpl::SegModelImpl(const ModelConfig& config) : config_(config) {
  Validate(config_);
  hrnet_ = register_module("hrnet", HRNet(config_));
  ocrnet_ = register_module("ocrnet", OcrHead(config_));
}

SegOutput SegModelImpl::forward(const torch::Tensor& x) {
  InferenceScope fold(fold_batch_norm_ && !is_training() && !torch::GradMode::is_enabled());
  SegOutput out;
  out.backbone = hrnet_->forward(x);
  auto head = ocrnet_->forward(out.backbone);
  out.aux = std::move(head.aux);
  out.main = std::move(head.main);
  out.pixel_features = std::move(head.pixel_features);
  return out;
}

namespace {

template <typename Select>
NamedTensors Walk(torch::nn::Module& model, Select select) {
  NamedTensors out;
  for (const auto& item : model.named_modules()) {
    const std::string prefix = item.key().empty() ? "" : item.key() + ".";
    select(*item.value(), prefix, out);
  }
  return out;
}

void AddOwn(const torch::OrderedDict<std::string, at::Tensor>& own, const std::string& prefix,
            NamedTensors& out) {
  for (const auto& t : own) out.emplace_back(prefix + t.key(), t.value());
}

}  // namespace

NamedTensors StateDictEntries(SegModel& model) { return StateDictEntries(*model); }
NamedTensors NamedParameters(SegModel& model) { return NamedParameters(*model); }
NamedTensors NamedBuffers(SegModel& model) { return NamedBuffers(*model); }
void ToChannelsLast(SegModel& model) { ToChannelsLast(*model); }

NamedTensors StateDictEntries(torch::nn::Module& model) {
  return Walk(model, [](const torch::nn::Module& m, const std::string& prefix, NamedTensors& out) {
    AddOwn(m.named_parameters(/*recurse=*/false), prefix, out);
    AddOwn(m.named_buffers(/*recurse=*/false), prefix, out);
  });
}

NamedTensors NamedParameters(torch::nn::Module& model) {
  return Walk(model, [](const torch::nn::Module& m, const std::string& prefix, NamedTensors& out) {
    AddOwn(m.named_parameters(/*recurse=*/false), prefix, out);
  });
}

NamedTensors NamedBuffers(torch::nn::Module& model) {
  return Walk(model, [](const torch::nn::Module& m, const std::string& prefix, NamedTensors& out) {
    AddOwn(m.named_buffers(/*recurse=*/false), prefix, out);
  });
}

void ToChannelsLast(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  for (auto& entry : StateDictEntries(model)) {
    at::Tensor& t = entry.second;
    if (t.dim() == 4) t.set_data(t.contiguous(at::MemoryFormat::ChannelsLast));
  }
}

}  // namespace diga::model
