// The warm-up training step done entirely in C++ on the same libtorch, as the
// yardstick for what diga's TypeScript orchestration costs. Same work as
// src/bench/step.ts: student on [x; aug], teacher (train mode, no grad) on the
// same, seg loss (main + 0.1 aux, all-pixel mean) on the clean half, symmetric
// distillation (main + 0.1 aux) weighted 0.5, backward, SGD (momentum 0.9,
// weight decay 5e-4), EMA teacher update.
// Usage: warmup_step <preset> <H> <W> [steps]   (prints median seconds per step)
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "model/seg_model.h"

namespace F = torch::nn::functional;

namespace {

torch::Tensor Up(const torch::Tensor& logits, int64_t h, int64_t w) {
  return F::interpolate(logits, F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w}).mode(torch::kBilinear).align_corners(true));
}

torch::Tensor Seg(const torch::Tensor& logits, const torch::Tensor& labels) {
  auto up = Up(logits, labels.size(1), labels.size(2));
  return F::cross_entropy(up, labels, F::CrossEntropyFuncOptions().ignore_index(255).reduction(torch::kSum)) / labels.numel();
}

torch::Tensor Kd(const torch::Tensor& teacher, const torch::Tensor& student, int64_t h, int64_t w) {
  auto t = Up(teacher, h, w).detach().chunk(2);
  auto s = Up(student, h, w).chunk(2);
  auto term = [](const torch::Tensor& tt, const torch::Tensor& ss) {
    return (-(torch::softmax(tt, 1) * torch::log_softmax(ss, 1))).sum(1).mean();
  };
  return term(t[0], s[1]) + 0.5 * term(t[1], s[0]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: warmup_step <preset> <H> <W> [steps] [device]\n";
    return 2;
  }
  try {
    const int64_t h = std::stoll(argv[2]), w = std::stoll(argv[3]);
    const int steps = argc > 4 ? std::stoi(argv[4]) : 5;
    const torch::Device device(argc > 5 ? argv[5] : "cpu");
    const auto sync = [&] {
      if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
    };
    torch::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    torch::manual_seed(0);
    diga::model::SegModel student(diga::model::PresetConfig(argv[1]));
    diga::model::SegModel teacher(diga::model::PresetConfig(argv[1]));
    student->to(device);
    teacher->to(device);
    student->train();
    teacher->train();
    const auto on = torch::TensorOptions().device(device);
    auto x = torch::randn({3, 3, h, w}, on);
    auto aug = x * 1.4 - 0.4;
    auto unlabelled = torch::randn({3, 3, h, w}, on);
    auto labels = torch::randint(0, 19, {3, h, w}, on.dtype(torch::kLong));
    torch::optim::SGD opt(student->parameters(), torch::optim::SGDOptions(1e-3).momentum(0.9).weight_decay(5e-4));
    auto tp = teacher->parameters();
    auto sp = student->parameters();
    std::vector<double> times;
    for (int i = 0; i <= steps; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      {
        torch::NoGradGuard no_grad;
        const double a = std::min(1.0 - 1.0 / (i + 1), 0.999);
        for (size_t k = 0; k < tp.size(); ++k) tp[k].mul_(a).add_(sp[k], 1 - a);
      }
      auto input = torch::cat({x, aug});
      auto s = student->forward(input);
      diga::model::SegOutput t;
      {
        torch::NoGradGuard no_grad;
        // The published step's unlabelled pass: training-mode student, no grad (moves BatchNorm statistics).
        student->forward(unlabelled);
        t = teacher->forward(input);
      }
      auto seg = Seg(s.main.narrow(0, 0, 3), labels) + 0.1 * Seg(s.aux.narrow(0, 0, 3), labels);
      auto kd = Kd(t.main, s.main, h, w) + 0.1 * Kd(t.aux, s.aux, h, w);
      auto loss = seg + 0.5 * kd;
      loss.backward();
      opt.step();
      opt.zero_grad();
      sync();
      if (i > 0) times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    std::cout << "{\"preset\":\"" << argv[1] << "\",\"height\":" << h << ",\"width\":" << w
              << ",\"threads\":" << torch::get_num_threads() << ",\"stepS\":" << times[times.size() / 2] << "}\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
