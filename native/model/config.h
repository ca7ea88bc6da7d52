// Shape of the HRNetV2 + OCR network. Every size the layers need is here, so
// one struct describes the published W48 model as well as the small test ones.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace diga::model {

struct ModelConfig {
  int64_t stem = 64;         // channels of the two stride-2 stem convs
  int64_t stage1_width = 64; // Bottleneck width of stage 1 (output is 4x this)
  int64_t stage1_blocks = 4;
  std::array<int64_t, 4> widths{48, 96, 192, 384};  // branch widths of stages 2-4
  int64_t blocks = 4;                                // BasicBlocks per branch
  std::array<int64_t, 3> modules{1, 4, 3};           // HighResolutionModules in stages 2, 3, 4
  int64_t pix = 512;   // OCR pixel representation channels
  int64_t key = 256;   // OCR key channels
  int64_t classes = 19;

  // Channels of the concatenated backbone output (the OCR head's input).
  int64_t RawIn() const { return widths[0] + widths[1] + widths[2] + widths[3]; }
  int64_t Stage1Out() const { return stage1_width * 4; }
};

// Trainable elements of the network this config describes, counted from the
// config alone (before any memory is allocated).
int64_t ParameterCount(const ModelConfig& config);

// Throws std::invalid_argument naming the first bad field (by its JS name),
// or when the network would exceed kMaxParameters.
void Validate(const ModelConfig& config);
constexpr int64_t kMaxParameters = 1'000'000'000;  // 4 GB of float32 weights

// Named presets: hrnet48 (the paper's), hrnet32, hrnet18, hrnet18-small, tiny.
// Throws std::invalid_argument listing the known names.
ModelConfig PresetConfig(const std::string& name);
std::vector<std::string> PresetNames();

}  // namespace diga::model
