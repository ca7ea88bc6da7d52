// Shape of the DeepLabV2 network of the adaptation setting: a dilated
// ResNet (Bottleneck layers, output stride 8) and the ASPP/SE head. One struct
// describes the published ResNet-101 model and the small test ones.
#pragma once

#include <array>
#include <cstdint>

namespace diga::model::deeplab {

struct DeepLabConfig {
  std::array<int64_t, 4> blocks{3, 4, 23, 3};         // Bottlenecks in layer1..layer4
  int64_t stem = 64;                                   // channels of the 7x7 stem conv
  std::array<int64_t, 4> widths{64, 128, 256, 512};   // Bottleneck widths (output is 4x)
  int64_t branch = 256;                                // channels of each head branch and of the features
  int64_t gn_groups = 32;                              // GroupNorm groups in the head
  int64_t se_hidden = 80;                              // squeeze-excitation bottleneck
  std::array<int64_t, 4> dilations{6, 12, 18, 24};    // the four 3x3 head branches
  int64_t classes = 19;
  double dropout = 0.1;                                // Dropout2d before the classifier

  static constexpr int64_t kExpansion = 4;
  int64_t OutChannels(size_t layer) const { return widths[layer] * kExpansion; }
  int64_t HeadIn() const { return OutChannels(3); }
  int64_t Concat() const { return 5 * branch; }
};

// Parameters (trainable and frozen) of the network `c` describes, from the
// config alone.
int64_t ParameterCount(const DeepLabConfig& c);

// Throws std::invalid_argument naming the first bad field by its JS name.
void Validate(const DeepLabConfig& c);

}  // namespace diga::model::deeplab
