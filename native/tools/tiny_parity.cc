// Checks the tiny model against the published code's numbers: loads the
// reference state dict, runs the eval-mode forward on the reference input and
// the backward of sum(main * weights), and compares outputs and gradients.
//
// Tolerances (relative to each reference tensor's largest magnitude):
//   backbone, aux, head-parameter gradients: every element within 1e-4;
//   main, pixel features: 99% of pixel positions within 1e-4, all within 1e-3;
//   gradients that pass through the OCR attention: relative L2 and max within 2e-2.
// Why the looser ones: with the fixture's random weights the attention logits
// reach ~2e4 while a few pixels have their two best regions < 1 apart, so a
// float32 rounding difference moves those pixels by ~4e-4 of the maximum and
// the backbone gradients by ~7e-3 (PyTorch 1.13.1 on this platform, running
// the same network, lands at the same distances). In float64 the two agree
// to the last bit, and at the other pixels to ~5e-7.
//
// With --double the model runs in float64.
// Usage: tiny_parity <tiny_state_dict.safetensors> <tiny_forward_eval.safetensors> [--double]
#include <iostream>

#include "model/seg_model.h"
#include "tools/safetensors_reader.h"

namespace {

enum class Check { kEvery, kPixels, kGradient };

bool Compare(const std::string& name, const at::Tensor& got_in, const at::Tensor& want_in,
             Check check) {
  if (got_in.sizes() != want_in.sizes()) {
    std::cout << "FAIL " << name << ": shape " << got_in.sizes() << " != reference "
              << want_in.sizes() << "\n";
    return false;
  }
  const auto got = got_in.to(at::kDouble), want = want_in.to(at::kDouble);
  const double scale = want.abs().max().item<double>();
  const auto diff = (got - want).abs();
  const double max_rel = diff.max().item<double>() / scale;
  const double l2_rel = ((got - want).norm() / want.norm()).item<double>();
  double pixels_ok = 1.0;
  bool ok = false;
  switch (check) {
    case Check::kEvery:
      ok = max_rel <= 1e-4;
      break;
    case Check::kPixels:
      pixels_ok = (diff.amax(1) <= 1e-4 * scale).to(at::kDouble).mean().item<double>();
      ok = pixels_ok >= 0.99 && max_rel <= 1e-3;
      break;
    case Check::kGradient:
      ok = max_rel <= 2e-2 && l2_rel <= 2e-2;
      break;
  }
  std::cout << (ok ? "ok   " : "FAIL ") << name << ": max " << max_rel << ", L2 " << l2_rel;
  if (check == Check::kPixels) std::cout << ", pixels within 1e-4: " << pixels_ok;
  std::cout << "\n";
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const bool use_double = argc == 4 && std::string(argv[3]) == "--double";
  if (argc != 3 && !use_double) {
    std::cerr << "usage: tiny_parity <tiny_state_dict.safetensors> "
                 "<tiny_forward_eval.safetensors> [--double]\n";
    return 2;
  }
  try {
    auto weights = diga::tools::ReadSafetensors(argv[1]);
    auto ref = diga::tools::ReadSafetensors(argv[2]);
    diga::model::SegModel model(diga::model::PresetConfig("tiny"));
    {
      torch::NoGradGuard no_grad;
      size_t loaded = 0;
      for (auto& [name, t] : diga::model::StateDictEntries(model)) {
        auto it = weights.find(name);
        if (it == weights.end()) throw std::runtime_error("reference lacks " + name);
        t.copy_(it->second);
        ++loaded;
      }
      if (loaded != weights.size()) {
        throw std::runtime_error("reference has " + std::to_string(weights.size()) +
                                 " entries, model " + std::to_string(loaded));
      }
    }
    model->eval();
    const auto dtype = use_double ? at::kDouble : at::kFloat;
    if (use_double) model->to(dtype);

    auto input = ref.at("input").to(dtype).requires_grad_(true);
    auto out = model->forward(input);
    bool ok = true;
    ok &= Compare("out.backbone", out.backbone, ref.at("out.backbone"), Check::kEvery);
    ok &= Compare("out.aux", out.aux, ref.at("out.aux"), Check::kEvery);
    ok &= Compare("out.main", out.main, ref.at("out.main"), Check::kPixels);
    ok &= Compare("out.pixel_features", out.pixel_features, ref.at("out.pixel_features"),
                  Check::kPixels);

    (out.main * ref.at("backward.weights").to(dtype)).sum().backward();
    ok &= Compare("grad.input", input.grad(), ref.at("grad.input"), Check::kGradient);
    for (auto& [name, p] : diga::model::NamedParameters(model)) {
      auto it = ref.find("grad." + name);
      if (it == ref.end()) continue;
      // The classifier's gradient does not pass through the attention.
      const bool head = name.rfind("ocrnet.segmentation_classes.", 0) == 0;
      ok &= Compare(it->first, p.grad(), it->second, head ? Check::kEvery : Check::kGradient);
    }
    std::cout << (ok ? "PARITY OK\n" : "PARITY FAILED\n");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
