// Object-contextual representation (OCR) head. Input: backbone features.
// Output: soft object regions (auxiliary logits), the 'pix'-channel augmented
// pixel features, and the main logits.
//
// The published head registers pixel_representations, soft_object_regions,
// pixel_region_relations.{pixel_rep,obj_reg_rep}, value, ocr_up,
// augmented_rep, segmentation_classes, in that order. Its convs keep the
// default PyTorch initialisation (Kaiming-uniform weights, uniform biases);
// only its BatchNorms are reset to weight 1, bias 0.
#pragma once

#include <torch/torch.h>

#include "model/config.h"
#include "model/fold.h"
#include "model/layers.h"

namespace diga::model {

struct OcrOutput {
  torch::Tensor aux;             // N x classes x h x w
  torch::Tensor main;            // N x classes x h x w
  torch::Tensor pixel_features;  // N x pix x h x w
};

// Query/key projections of the pixel-region attention.
class PixelRegionRelationImpl : public torch::nn::Module {
 public:
  PixelRegionRelationImpl(int64_t pix, int64_t key);
  // pixels: N x pix x h x w; regions: N x pix x K x 1. Returns N x hw x K
  // attention weights (softmax over the K regions).
  torch::Tensor forward(const torch::Tensor& pixels, const torch::Tensor& regions);

 private:
  int64_t key_;
  Chain pixel_rep_{nullptr}, obj_reg_rep_{nullptr};
};
TORCH_MODULE(PixelRegionRelation);

class OcrHeadImpl : public torch::nn::Module {
 public:
  OcrHeadImpl(const ModelConfig& config);
  OcrOutput forward(const torch::Tensor& features);

 private:
  int64_t key_;
  Chain pixel_representations_{nullptr}, soft_object_regions_{nullptr};
  PixelRegionRelation pixel_region_relations_{nullptr};
  Chain value_{nullptr}, ocr_up_{nullptr}, augmented_rep_{nullptr};
  Chain segmentation_classes_{nullptr};
  FoldedConvBn augmented_fold_;
};
TORCH_MODULE(OcrHead);

// Object region representations: per class, the pixel features averaged with
// the class's soft region (softmax over space) as weights. N x C x K x 1.
torch::Tensor ObjectRegions(const torch::Tensor& pixels, const torch::Tensor& soft_regions);

}  // namespace diga::model
