// A caching allocator for large CPU tensors.
//
// A forward pass allocates and frees hundreds of activations of tens to hundreds
// of megabytes. glibc maps such blocks afresh each time (and its heap cannot
// reuse a freed block for the next 64-byte-aligned request of the same size), so
// the kernel zeroes every page on first touch: at 1024 x 2048 about two million
// page faults (8 GB) per HRNet-18 forward, seconds of system time. Keeping freed
// large blocks by size and handing them back to the next request of that size
// makes later passes fault nothing, as CUDA's caching allocator does on the GPU.
//
// Blocks under 1 MiB go to malloc, which reuses small blocks well. Cached free
// blocks are bounded (DIGA_CPU_CACHE_MB, default a quarter of RAM); beyond that the
// longest-cached blocks go back to the system first, so that sizes a run no longer
// asks for (another image size) make room for the ones it does. DIGA_CPU_CACHE=off keeps libtorch's own
// allocator. Installed once, when the addon loads.
#include "runtime/exports.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <list>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "util/errors.h"

namespace diga {

namespace {

constexpr size_t kMinCached = size_t{1} << 20;
constexpr size_t kGranule = size_t{1} << 16;  // near sizes share blocks
constexpr size_t kAlignment = 64;             // what libtorch's own allocator gives

struct CacheStats {
  size_t cached_bytes = 0, live_bytes = 0, limit_bytes = 0;
  uint64_t hits = 0, misses = 0;
};

class BlockCache {
 public:
  static BlockCache& Get() {
    // Never destroyed: tensors may be freed after static destructors ran.
    static BlockCache* cache = new BlockCache();
    return *cache;
  }

  void* Take(size_t bytes) {
    const size_t size = (bytes + kGranule - 1) / kGranule * kGranule;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        const auto block = it->second.back();  // the most recently cached of that size
        it->second.pop_back();
        void* p = block->ptr;
        lru_.erase(block);
        stats_.cached_bytes -= size;
        stats_.live_bytes += size;
        ++stats_.hits;
        return p;
      }
      ++stats_.misses;
    }
    void* p = Allocate(size);
    if (p == nullptr) {
      Empty();  // the cache may hold what the system lacks
      p = Allocate(size);
    }
    TORCH_CHECK(p != nullptr, "not enough memory: could not allocate ", bytes, " bytes on the CPU");
    std::lock_guard<std::mutex> lock(mu_);
    sizes_[p] = size;
    stats_.live_bytes += size;
    return p;
  }

  // Frees a block of Take's, or any other malloc'd block (small ones).
  void Give(void* p) {
    if (p == nullptr) return;
    std::vector<void*> release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sizes_.find(p);
      if (it == sizes_.end()) {
        release.push_back(p);
      } else {
        const size_t size = it->second;
        stats_.live_bytes -= size;
        if (size > stats_.limit_bytes) {
          sizes_.erase(it);
          release.push_back(p);
        } else {
          while (stats_.cached_bytes + size > stats_.limit_bytes) release.push_back(EvictOldest());
          lru_.push_back({p, size});
          free_[size].push_back(std::prev(lru_.end()));
          stats_.cached_bytes += size;
        }
      }
    }
    for (void* q : release) std::free(q);
  }

  void Empty() {
    std::vector<void*> release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (!lru_.empty()) release.push_back(EvictOldest());
    }
    for (void* p : release) std::free(p);
  }

  CacheStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

  void SetLimit(size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.limit_bytes = bytes;
  }

 private:
  static void* Allocate(size_t size) {
    void* p = nullptr;
    return posix_memalign(&p, kAlignment, size) == 0 ? p : nullptr;
  }

  struct Block {
    void* ptr;
    size_t size;
  };
  using Lru = std::list<Block>;

  // Drops the longest-cached block from the books (mu_ held); the caller frees it.
  void* EvictOldest() {
    const Block block = lru_.front();
    auto& same = free_[block.size];
    same.erase(std::find(same.begin(), same.end(), lru_.begin()));
    lru_.pop_front();
    sizes_.erase(block.ptr);
    stats_.cached_bytes -= block.size;
    return block.ptr;
  }

  std::mutex mu_;
  std::unordered_map<void*, size_t> sizes_;                // every large block, live or cached
  Lru lru_;                                                // cached blocks, oldest first
  std::unordered_map<size_t, std::vector<Lru::iterator>> free_;  // the same, by size
  CacheStats stats_;
};

void Release(void* p) { BlockCache::Get().Give(p); }

c10::DataPtr CachedAllocate(size_t bytes) {
  void* p = nullptr;
  if (bytes >= kMinCached) {
    p = BlockCache::Get().Take(bytes);
  } else if (bytes > 0) {
    TORCH_CHECK(posix_memalign(&p, kAlignment, bytes) == 0, "not enough memory: could not allocate ",
                bytes, " bytes on the CPU");
  }
  return {p, p, &Release, c10::Device(c10::DeviceType::CPU)};
}

// c10::Allocator's virtual interface changed across libtorch releases: allocate()
// lost its const, and copy_data() arrived (later with a sync flag). The matching
// override set is picked at compile time; only that one is instantiated.
template <class A, class = void>
struct CopyDataArgs : std::integral_constant<int, 0> {};
template <class A>
struct CopyDataArgs<A, std::void_t<decltype(&A::copy_data)>>
    : std::integral_constant<
          int, std::is_same_v<decltype(&A::copy_data), void (A::*)(void*, const void*, size_t) const> ? 3
               : std::is_same_v<decltype(&A::copy_data),
                                void (A::*)(void*, const void*, size_t, bool) const>
                   ? 4
                   : -1> {};
constexpr bool kConstAllocate =
    std::is_same_v<decltype(&c10::Allocator::allocate), c10::DataPtr (c10::Allocator::*)(size_t) const>;

// An interface this file does not know: the cache is not installed (libtorch's
// own allocator stays), rather than the build failing.
template <class Base, bool kConst, int kCopy>
class Shim {
 public:
  static constexpr bool kKnown = false;
};
template <class Base>
class Shim<Base, true, 0> : public Base {
 public:
  static constexpr bool kKnown = true;
  c10::DataPtr allocate(size_t n) const override { return CachedAllocate(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }
};
template <class Base>
class Shim<Base, true, 3> : public Base {
 public:
  static constexpr bool kKnown = true;
  c10::DataPtr allocate(size_t n) const override { return CachedAllocate(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }
  void copy_data(void* dest, const void* src, size_t n) const override { std::memcpy(dest, src, n); }
};
template <class Base>
class Shim<Base, false, 3> : public Base {
 public:
  static constexpr bool kKnown = true;
  c10::DataPtr allocate(size_t n) override { return CachedAllocate(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }
  void copy_data(void* dest, const void* src, size_t n) const override { std::memcpy(dest, src, n); }
};
template <class Base>
class Shim<Base, false, 4> : public Base {
 public:
  static constexpr bool kKnown = true;
  c10::DataPtr allocate(size_t n) override { return CachedAllocate(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }
  void copy_data(void* dest, const void* src, size_t n, bool /*sync*/) const override {
    std::memcpy(dest, src, n);
  }
};
using CachingCpuAllocator = Shim<c10::Allocator, kConstAllocate, CopyDataArgs<c10::Allocator>::value>;

bool installed = false;

size_t DefaultLimit() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) / 4
                               : size_t{2} << 30;
}

// A template, so that the branch for an unknown interface is never instantiated.
template <class A>
void InstallAs() {
  if constexpr (A::kKnown) {
    const char* mode = std::getenv("DIGA_CPU_CACHE");
    if (mode != nullptr && (std::strcmp(mode, "off") == 0 || std::strcmp(mode, "0") == 0)) return;
    size_t limit = DefaultLimit();
    if (const char* mb = std::getenv("DIGA_CPU_CACHE_MB")) limit = std::strtoull(mb, nullptr, 10) << 20;
    BlockCache::Get().SetLimit(limit);
    static A allocator;
    // Above the default allocator's priority (0), so that libtorch uses this one.
    c10::SetCPUAllocator(&allocator, /*priority=*/1);
    installed = c10::GetCPUAllocator() == &allocator;
  }
}

Napi::Value CpuCache(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CacheStats s = BlockCache::Get().Stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("enabled", installed);
  o.Set("cachedBytes", static_cast<double>(s.cached_bytes));
  o.Set("liveBytes", static_cast<double>(s.live_bytes));
  o.Set("limitBytes", static_cast<double>(s.limit_bytes));
  o.Set("hits", static_cast<double>(s.hits));
  o.Set("misses", static_cast<double>(s.misses));
  return o;
}

Napi::Value CpuCacheEmpty(const Napi::CallbackInfo& info) {
  BlockCache::Get().Empty();
  return info.Env().Undefined();
}

}  // namespace

void InitCpuCache(Napi::Env env, Napi::Object exports) {
  if (!installed) InstallAs<CachingCpuAllocator>();
  Export<CpuCache>(exports, "cpuCache");
  Export<CpuCacheEmpty>(exports, "cpuCacheEmpty");
}

}  // namespace diga
