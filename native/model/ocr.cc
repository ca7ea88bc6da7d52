#include "model/ocr.h"

#include <cmath>

#include "model/fold.h"
#include "model/layers.h"

namespace diga::model {
namespace {

// 1x1 conv (no bias) + BN + ReLU: the OCR head's projection unit.
void AppendProjection(Chain& seq, int64_t in, int64_t out) {
  seq->push_back(Conv(in, out, 1, 1, false));
  seq->push_back(BatchNorm(out));
  seq->push_back(torch::nn::ReLU());
}

Chain Projection(int64_t in, int64_t out) {
  Chain seq;
  AppendProjection(seq, in, out);
  return seq;
}

// N x C x H x W as N x HW x C. A channels-last tensor already holds exactly that,
// so in inference it is viewed rather than copied (the same values; training keeps
// the published reshape, whose matmul operands round the same way as before).
torch::Tensor PixelsByChannel(const torch::Tensor& x) {
  const int64_t n = x.size(0), c = x.size(1);
  if (InferenceScope::Active() && x.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return x.permute({0, 2, 3, 1}).reshape({n, -1, c});
  }
  return x.reshape({n, c, -1}).transpose(1, 2);
}

}  // namespace

torch::Tensor ObjectRegions(const torch::Tensor& pixels, const torch::Tensor& soft_regions) {
  const int64_t n = soft_regions.size(0), k = soft_regions.size(1);
  auto weights = torch::softmax(soft_regions.reshape({n, k, -1}), 2);  // N x K x hw
  auto flat = PixelsByChannel(pixels);                                 // N x hw x C
  return torch::matmul(weights, flat).transpose(1, 2).unsqueeze(3);    // N x C x K x 1
}

PixelRegionRelationImpl::PixelRegionRelationImpl(int64_t pix, int64_t key) : key_(key) {
  pixel_rep_ = Projection(pix, key);
  AppendProjection(pixel_rep_, key, key);
  pixel_rep_ = register_module("pixel_rep", pixel_rep_);
  obj_reg_rep_ = Projection(pix, key);
  AppendProjection(obj_reg_rep_, key, key);
  obj_reg_rep_ = register_module("obj_reg_rep", obj_reg_rep_);
}

torch::Tensor PixelRegionRelationImpl::forward(const torch::Tensor& pixels,
                                               const torch::Tensor& regions) {
  const int64_t n = pixels.size(0);
  auto query = PixelsByChannel(pixel_rep_->forward(pixels));  // N x hw x key
  auto keys = obj_reg_rep_->forward(regions).reshape({n, key_, -1});              // N x key x K
  auto sim = torch::matmul(query, keys) * (1.0 / std::sqrt(static_cast<double>(key_)));
  return torch::softmax(sim, -1);
}

OcrHeadImpl::OcrHeadImpl(const ModelConfig& c) : key_(c.key) {
  const int64_t raw = c.RawIn();
  pixel_representations_ = register_module(
      "pixel_representations",
      Chain(Conv(raw, c.pix, 3, 1, true), BatchNorm(c.pix), InplaceRelu()));
  soft_object_regions_ = register_module(
      "soft_object_regions", Chain(Conv(raw, raw, 1, 1, true), BatchNorm(raw), InplaceRelu(),
                                   Conv(raw, c.classes, 1, 1, true)));
  pixel_region_relations_ =
      register_module("pixel_region_relations", PixelRegionRelation(c.pix, c.key));
  value_ = register_module("value", Projection(c.pix, c.key));
  ocr_up_ = register_module("ocr_up", Projection(c.key, c.pix));
  augmented_rep_ = Projection(2 * c.pix, c.pix);
  augmented_rep_->push_back(torch::nn::Dropout2d(0.05));
  augmented_rep_ = register_module("augmented_rep", augmented_rep_);
  segmentation_classes_ = register_module(
      "segmentation_classes", Chain(Conv(c.pix, c.classes, 1, 1, true)));

  torch::NoGradGuard no_grad;
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) {
      bn->weight.fill_(1.0);
      bn->bias.zero_();
    }
  }
}

OcrOutput OcrHeadImpl::forward(const torch::Tensor& features) {
  OcrOutput out;
  out.aux = soft_object_regions_->forward(features);
  auto pixels = pixel_representations_->forward(features);
  auto regions = ObjectRegions(pixels, out.aux);
  auto relation = pixel_region_relations_->forward(pixels, regions);  // N x hw x K

  const int64_t n = pixels.size(0), h = pixels.size(2), w = pixels.size(3);
  auto values = value_->forward(regions).reshape({n, key_, -1}).transpose(1, 2);  // N x K x key
  auto context = torch::matmul(relation, values).transpose(1, 2).reshape({n, key_, h, w});
  context = ocr_up_->forward(context);

  // Context first, then the pixel representation, as published.
  if (InferenceScope::Active()) {
    // conv, BN, ReLU on the concatenation, then Dropout2d (identity in eval).
    auto* conv = augmented_rep_->ptr(0)->as<torch::nn::Conv2dImpl>();
    auto* bn = augmented_rep_->ptr(1)->as<torch::nn::BatchNorm2dImpl>();
    out.pixel_features = augmented_fold_.OnConcat(*conv, *bn, context, pixels, /*relu=*/true);
  } else {
    out.pixel_features = augmented_rep_->forward(torch::cat({context, pixels}, 1));
  }
  out.main = segmentation_classes_->forward(out.pixel_features);
  return out;
}

}  // namespace diga::model
