#include "distributed/grad_reducer.h"

#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <stdexcept>
#include <string>

namespace diga {

GradReducer::GradReducer(std::vector<at::Tensor> params, int64_t bucket_bytes, int world_size, AllReduce all_reduce)
    : params_(std::move(params)), world_size_(world_size), all_reduce_(std::move(all_reduce)) {
  const size_t n = params_.size();
  expected_.assign(n, 0);
  received_.assign(n, 0);
  bucket_of_.assign(n, 0);
  // Reverse order: the last layers' gradients arrive first. A bucket holds one
  // device and dtype, so its gradients flatten into one tensor.
  int64_t bytes = 0;
  for (size_t k = n; k-- > 0;) {
    const at::Tensor& p = params_[k];
    if (!p.requires_grad()) throw std::invalid_argument("GradReducer: parameter " + std::to_string(k) + " does not require grad");
    const bool fits = !buckets_.empty() && bytes < bucket_bytes &&
                      params_[buckets_.back().params.front()].device() == p.device() &&
                      params_[buckets_.back().params.front()].scalar_type() == p.scalar_type();
    if (!fits) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().params.push_back(k);
    bucket_of_[k] = buckets_.size() - 1;
    bytes += static_cast<int64_t>(p.numel() * p.element_size());
  }
  // Hooks run after each accumulation into .grad. The accumulators are kept
  // alive here: a leaf holds its accumulator weakly, and a new one would have no hook.
  for (size_t k = 0; k < n; ++k) {
    auto acc = torch::autograd::impl::grad_accumulator(params_[k]);
    hook_keys_.push_back(acc->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, k](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
          OnGradient(k);
          return outputs;
        })));
    accumulators_.push_back(std::move(acc));
  }
}

GradReducer::~GradReducer() {
  for (size_t k = 0; k < accumulators_.size(); ++k) accumulators_[k]->del_post_hook(hook_keys_[k]);
  for (auto& b : buckets_) {
    // Never leave a collective in flight behind a freed buffer.
    if (b.wait) {
      try {
        b.wait();
      } catch (...) {
      }
    }
  }
}

void GradReducer::OnGradient(size_t k) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++received_[k];
  if (!learned_ || received_[k] != expected_[k]) return;
  Bucket& b = buckets_[bucket_of_[k]];
  if (--b.pending == 0) StartReady();
}

void GradReducer::StartReady() {
  while (next_ < buckets_.size() && buckets_[next_].pending == 0 && !buckets_[next_].started) {
    Start(buckets_[next_]);
    ++overlapped_;
    ++next_;
  }
}

void GradReducer::Start(Bucket& b) {
  std::vector<at::Tensor> grads;
  grads.reserve(b.params.size());
  for (size_t k : b.params) {
    const at::Tensor& g = params_[k].grad();
    grads.push_back(g.defined() ? g.reshape(-1) : at::zeros({params_[k].numel()}, params_[k].options()));
  }
  b.flat = at::cat(grads);
  b.wait = all_reduce_(b.flat);
  b.started = true;
}

int64_t GradReducer::Finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  std::string mismatch;
  if (learned_) {
    for (size_t k = 0; k < params_.size() && mismatch.empty(); ++k) {
      if (received_[k] != expected_[k]) {
        mismatch = "parameter " + std::to_string(k) + " received " + std::to_string(received_[k]) + " gradient accumulation(s) in this step and " +
                   std::to_string(expected_[k]) + " in the first; overlapped averaging needs the same backward passes every step";
      }
    }
  } else {
    expected_ = received_;  // the first step teaches how many gradients each parameter gets
    learned_ = true;
  }
  const int64_t overlapped = overlapped_;
  for (; next_ < buckets_.size(); ++next_) {
    if (!buckets_[next_].started) Start(buckets_[next_]);
  }
  std::exception_ptr failure;
  for (auto& b : buckets_) {
    try {
      b.wait();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
    b.wait = nullptr;
  }
  if (!failure && mismatch.empty()) {
    for (auto& b : buckets_) {
      b.flat.div_(world_size_);
      int64_t offset = 0;
      for (size_t k : b.params) {
        const int64_t numel = params_[k].numel();
        at::Tensor mean = b.flat.narrow(0, offset, numel).view(params_[k].sizes());
        at::Tensor& g = params_[k].mutable_grad();
        if (g.defined()) g.copy_(mean);
        else g = mean.clone();
        offset += numel;
      }
    }
  }
  // Ready for the next step.
  for (auto& b : buckets_) {
    b.flat = at::Tensor();
    b.started = false;
    b.pending = 0;
    for (size_t k : b.params) b.pending += expected_[k] > 0 ? 1 : 0;
  }
  std::fill(received_.begin(), received_.end(), 0);
  next_ = 0;
  overlapped_ = 0;
  // A bucket whose parameters get no gradient has pending 0: it starts, in
  // order, with the first ready bucket after it, or in Finish().
  if (failure) std::rethrow_exception(failure);
  if (!mismatch.empty()) throw std::runtime_error(mismatch);
  return overlapped;
}

}  // namespace diga
