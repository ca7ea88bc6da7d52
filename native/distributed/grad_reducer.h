// Gradient averaging overlapped with the backward pass, as PyTorch DDP's
// reducer with a static graph: parameters are put into flat buckets in
// reverse order (the order backward produces them); a hook on each
// parameter's gradient accumulator counts the gradients it receives, and once
// every parameter of a bucket has received as many as in the first step, the
// bucket's all-reduce starts while backward goes on. Buckets start strictly in
// order so every rank issues the same collectives in the same order.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace diga {

class GradReducer {
 public:
  // Starts an asynchronous sum over ranks of `flat` and returns a waiter.
  using AllReduce = std::function<std::function<void()>(at::Tensor& flat)>;

  GradReducer(std::vector<at::Tensor> params, int64_t bucket_bytes, int world_size, AllReduce all_reduce);
  ~GradReducer();

  // After backward: starts what has not started, waits for all of it, and
  // writes the means into the gradients. Throws when a parameter's gradient
  // was accumulated a different number of times than in the first step (a
  // parameter used twice in one graph still accumulates once: autograd sums
  // the paths first; two backward calls per step accumulate twice).
  // Returns how many buckets started during backward.
  int64_t Finish();

  int64_t NumBuckets() const { return static_cast<int64_t>(buckets_.size()); }

 private:
  struct Bucket {
    std::vector<size_t> params;
    int64_t pending = 0;  // parameters still short of their expected gradient count
    bool started = false;
    at::Tensor flat;
    std::function<void()> wait;
  };

  void OnGradient(size_t index);
  void StartReady();  // with mutex_ held
  void Start(Bucket& b);

  std::vector<at::Tensor> params_;
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
  std::vector<uintptr_t> hook_keys_;
  std::vector<size_t> bucket_of_;
  std::vector<int64_t> expected_, received_;
  std::vector<Bucket> buckets_;
  size_t next_ = 0;
  bool learned_ = false;
  int world_size_;
  AllReduce all_reduce_;
  int64_t overlapped_ = 0;
  std::mutex mutex_;
};

}  // namespace diga
