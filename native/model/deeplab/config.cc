#include "model/deeplab/config.h"

#include <stdexcept>
#include <string>

#include "model/config.h"

namespace diga::model::deeplab {
namespace {

constexpr int64_t kMaxChannels = 8192;
constexpr int64_t kMaxRepeat = 64;
constexpr int64_t kMaxDilation = 256;

void CheckRange(const std::string& field, int64_t value, int64_t max) {
  if (value < 1 || value > max) {
    throw std::invalid_argument("model config: " + field + " must be an integer in 1.." +
                                std::to_string(max) + ", got " + std::to_string(value));
  }
}

int64_t Conv(int64_t in, int64_t out, int64_t k, bool bias) { return in * out * k * k + (bias ? out : 0); }
int64_t Norm(int64_t channels) { return 2 * channels; }

}  // namespace

int64_t ParameterCount(const DeepLabConfig& c) {
  int64_t n = Conv(3, c.stem, 7, false) + Norm(c.stem);
  int64_t in = c.stem;
  for (size_t layer = 0; layer < 4; ++layer) {
    const int64_t w = c.widths[layer], out = c.OutChannels(layer);
    for (int64_t b = 0; b < c.blocks[layer]; ++b) {
      n += Conv(in, w, 1, false) + Norm(w) + Conv(w, w, 3, false) + Norm(w) + Conv(w, out, 1, false) + Norm(out);
      // The published rule: layers 2-4 always project; layer1 when the width changes.
      if (b == 0 && (layer > 0 || in != out)) n += Conv(in, out, 1, false) + Norm(out);
      in = out;
    }
  }
  n += Conv(in, c.branch, 1, true) + 4 * Conv(in, c.branch, 3, true) + 5 * Norm(c.branch);
  n += 2 * c.Concat() * c.se_hidden + c.se_hidden + c.Concat();
  n += Conv(c.Concat(), c.branch, 3, true) + Norm(c.branch);
  n += Conv(c.branch, c.classes, 1, false);
  return n;
}

void Validate(const DeepLabConfig& c) {
  for (size_t i = 0; i < 4; ++i) {
    CheckRange("blocks[" + std::to_string(i) + "]", c.blocks[i], kMaxRepeat);
    CheckRange("widths[" + std::to_string(i) + "]", c.widths[i], kMaxChannels / DeepLabConfig::kExpansion);
    CheckRange("dilations[" + std::to_string(i) + "]", c.dilations[i], kMaxDilation);
  }
  CheckRange("stemWidth", c.stem, kMaxChannels);
  CheckRange("branchWidth", c.branch, kMaxChannels);
  CheckRange("groupNormGroups", c.gn_groups, c.branch);
  if (c.branch % c.gn_groups != 0) {
    throw std::invalid_argument("model config: groupNormGroups (" + std::to_string(c.gn_groups) +
                                ") must divide branchWidth (" + std::to_string(c.branch) + ")");
  }
  CheckRange("seHidden", c.se_hidden, kMaxChannels);
  CheckRange("classes", c.classes, kMaxChannels);
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw std::invalid_argument("model config: dropout must be in [0, 1), got " + std::to_string(c.dropout));
  }
  const int64_t params = ParameterCount(c);
  if (params > kMaxParameters) {
    throw std::invalid_argument("model config describes " + std::to_string(params) +
                                " parameters, more than the limit of " + std::to_string(kMaxParameters) +
                                "; check widths and blocks");
  }
}

}  // namespace diga::model::deeplab
