#include "model/config.h"

#include <stdexcept>

namespace diga::model {
namespace {

// Above this a single layer would need gigabytes; such a config is a typo.
constexpr int64_t kMaxChannels = 8192;
constexpr int64_t kMaxRepeat = 64;

void CheckRange(const std::string& field, int64_t value, int64_t max) {
  if (value < 1 || value > max) {
    throw std::invalid_argument("model config: " + field + " must be an integer in 1.." +
                                std::to_string(max) + ", got " + std::to_string(value));
  }
}

ModelConfig Hrnet(int64_t w) {
  ModelConfig c;
  c.widths = {w, 2 * w, 4 * w, 8 * w};
  return c;
}

int64_t ConvCount(int64_t in, int64_t out, int64_t kernel, bool bias = false) {
  return in * out * kernel * kernel + (bias ? out : 0);
}
int64_t NormCount(int64_t channels) { return 2 * channels; }
// conv + BN, the unit most layers are made of
int64_t Unit(int64_t in, int64_t out, int64_t kernel) {
  return ConvCount(in, out, kernel) + NormCount(out);
}

int64_t BottleneckCount(int64_t in, int64_t width) {
  int64_t n = Unit(in, width, 1) + Unit(width, width, 3) + Unit(width, 4 * width, 1);
  if (in != 4 * width) n += Unit(in, 4 * width, 1);
  return n;
}

int64_t TransitionCount(const std::vector<int64_t>& pre, const std::vector<int64_t>& cur) {
  int64_t n = 0;
  for (size_t i = 0; i < cur.size(); ++i) {
    if (i < pre.size()) {
      if (cur[i] != pre[i]) n += Unit(pre[i], cur[i], 3);
    } else {
      for (size_t k = 0; k < i + 1 - pre.size(); ++k) {
        n += Unit(pre.back(), k == i - pre.size() ? cur[i] : pre.back(), 3);
      }
    }
  }
  return n;
}

int64_t ModuleCount(const std::vector<int64_t>& ch, int64_t blocks) {
  int64_t n = 0;
  for (int64_t c : ch) n += blocks * 2 * Unit(c, c, 3);
  for (size_t i = 0; i < ch.size(); ++i) {
    for (size_t j = 0; j < ch.size(); ++j) {
      if (j > i) n += Unit(ch[j], ch[i], 1);
      for (size_t k = 0; j < i && k < i - j; ++k) {
        n += Unit(ch[j], k + 1 == i - j ? ch[i] : ch[j], 3);
      }
    }
  }
  return n;
}

}  // namespace

int64_t ParameterCount(const ModelConfig& c) {
  int64_t n = Unit(3, c.stem, 3) + Unit(c.stem, c.stem, 3);
  for (int64_t k = 0; k < c.stage1_blocks; ++k) {
    n += BottleneckCount(k == 0 ? c.stem : c.Stage1Out(), c.stage1_width);
  }
  std::vector<int64_t> pre{c.Stage1Out()};
  for (size_t s = 0; s < 3; ++s) {
    std::vector<int64_t> cur(c.widths.begin(), c.widths.begin() + s + 2);
    n += TransitionCount(pre, cur) + c.modules[s] * ModuleCount(cur, c.blocks);
    pre = cur;
  }
  const int64_t raw = c.RawIn();
  // OCR head: pixel representation, soft regions, query and key projections,
  // value, up, fusion, classifier.
  n += ConvCount(raw, c.pix, 3, true) + NormCount(c.pix);
  n += ConvCount(raw, raw, 1, true) + NormCount(raw) + ConvCount(raw, c.classes, 1, true);
  n += 2 * (Unit(c.pix, c.key, 1) + Unit(c.key, c.key, 1));
  n += Unit(c.pix, c.key, 1) + Unit(c.key, c.pix, 1) + Unit(2 * c.pix, c.pix, 1);
  n += ConvCount(c.pix, c.classes, 1, true);
  return n;
}

void Validate(const ModelConfig& c) {
  CheckRange("stemWidth", c.stem, kMaxChannels);
  CheckRange("stage1Width", c.stage1_width, kMaxChannels / 4);
  CheckRange("stage1Blocks", c.stage1_blocks, kMaxRepeat);
  for (size_t i = 0; i < c.widths.size(); ++i) {
    CheckRange("widths[" + std::to_string(i) + "]", c.widths[i], kMaxChannels);
  }
  CheckRange("blocks", c.blocks, kMaxRepeat);
  for (size_t i = 0; i < c.modules.size(); ++i) {
    CheckRange("modules[" + std::to_string(i) + "]", c.modules[i], kMaxRepeat);
  }
  CheckRange("pixelChannels", c.pix, kMaxChannels);
  CheckRange("keyChannels", c.key, kMaxChannels);
  CheckRange("classes", c.classes, kMaxChannels);
  const int64_t params = ParameterCount(c);
  if (params > kMaxParameters) {
    throw std::invalid_argument("model config describes " + std::to_string(params) +
                                " parameters, more than the limit of " +
                                std::to_string(kMaxParameters) +
                                "; check widths, blocks and modules");
  }
}

std::vector<std::string> PresetNames() {
  return {"hrnet48", "hrnet32", "hrnet18", "hrnet18-small", "tiny"};
}

ModelConfig PresetConfig(const std::string& name) {
  if (name == "hrnet48") return Hrnet(48);
  if (name == "hrnet32") return Hrnet(32);
  if (name == "hrnet18") return Hrnet(18);
  if (name == "hrnet18-small") {
    // CPU-sized: W18 branches, one block and one module per stage, a thin
    // stem and stage 1, a narrow OCR head (1.4 M parameters against 12.1 M
    // for hrnet18). Keep in step with src/model/presets.ts.
    ModelConfig c = Hrnet(18);
    c.stem = 32;
    c.stage1_width = 16;
    c.stage1_blocks = 1;
    c.blocks = 1;
    c.modules = {1, 1, 1};
    c.pix = 64;
    c.key = 32;
    return c;
  }
  if (name == "tiny") {
    // The configuration of the reference fixtures (tiny_config.json).
    ModelConfig c;
    c.stem = 16;
    c.stage1_width = 8;
    c.stage1_blocks = 1;
    c.widths = {8, 16, 32, 64};
    c.blocks = 1;
    c.modules = {1, 1, 1};
    c.pix = 32;
    c.key = 16;
    return c;
  }
  std::string known;
  for (const auto& n : PresetNames()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown model preset '" + name + "'; known presets: " + known);
}

}  // namespace diga::model
