#include "tensor/registry.h"

#include "tensor/handle.h"

namespace diga {

Registry& Registry::Get() {
  static Registry* instance = new Registry();  // never destroyed: finalisers may run at exit
  return *instance;
}

void Registry::Add(TensorHandle* h) {
  std::lock_guard<std::mutex> lock(mu_);
  live_.insert(h);
}

void Registry::Remove(TensorHandle* h) {
  std::lock_guard<std::mutex> lock(mu_);
  live_.erase(h);
}

int64_t Registry::Count() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(live_.size());
}

MemoryStats Registry::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  MemoryStats s;
  s.tensors = static_cast<int64_t>(live_.size());
  // Views share storages: count each storage once.
  std::unordered_set<const void*> seen;
  for (TensorHandle* h : live_) {
    const at::Tensor& t = h->tensor();
    if (!t.defined() || !t.has_storage()) continue;
    const void* key = t.storage().unsafeGetStorageImpl();
    if (!seen.insert(key).second) continue;
    s.storages += 1;
    if (t.device().is_cpu()) s.cpu_bytes += static_cast<int64_t>(t.storage().nbytes());
  }
  return s;
}

}  // namespace diga
