// Process-wide bookkeeping of live tensor handles, for memory() and leak tests.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_set>

namespace diga {

class TensorHandle;

struct MemoryStats {
  int64_t tensors = 0;    // live handles
  int64_t cpu_bytes = 0;  // distinct host storages behind them
  int64_t storages = 0;
};

class Registry {
 public:
  static Registry& Get();
  void Add(TensorHandle* h);
  void Remove(TensorHandle* h);
  int64_t Count();
  MemoryStats Stats();

 private:
  std::mutex mu_;
  std::unordered_set<TensorHandle*> live_;
};

}  // namespace diga
