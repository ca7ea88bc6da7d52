// Times one preset on random input: eval forward under no-grad, and a train
// forward + backward of sum(main). Usage: model_timing <preset> <H> <W> [repeats]
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "model/seg_model.h"

namespace {

template <typename F>
double MedianSeconds(int repeats, F fn) {
  fn();  // warm-up: first calls pay for allocation and kernel selection
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: model_timing <preset> <H> <W> [repeats]\n";
    return 2;
  }
  try {
    const int64_t h = std::stoll(argv[2]), w = std::stoll(argv[3]);
    const int repeats = argc > 4 ? std::stoi(argv[4]) : 2;
    torch::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    diga::model::SegModel model(diga::model::PresetConfig(argv[1]));
    int64_t params = 0;
    for (const auto& p : model->parameters()) params += p.numel();
    auto x = torch::randn({1, 3, h, w});

    model->eval();
    const double eval_s = MedianSeconds(repeats, [&] {
      torch::NoGradGuard no_grad;
      model->forward(x);
    });
    model->train();
    const double train_s = MedianSeconds(repeats, [&] {
      model->zero_grad();
      model->forward(x).main.sum().backward();
    });
    std::cout << argv[1] << " " << h << "x" << w << " params " << params << " threads "
              << torch::get_num_threads() << ": eval forward " << eval_s
              << " s, train forward+backward " << train_s << " s\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
