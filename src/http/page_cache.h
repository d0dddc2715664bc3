// PageCache: rendered thread pages kept for reuse under a byte budget, least
// recently used evicted first (an LruMap: a hostile sequence of distinct
// requests cannot grow it past the budget). An entry remembers the write
// generation it was read at and when; a lookup with another generation or
// past the TTL misses and drops it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/mutex.h"
#include "http/lru_map.h"

namespace commentd::http {

// Thread-safe.
class PageCache {
 public:
  // What one entry costs besides its key and body.
  static constexpr size_t kEntryOverheadBytes = LruMap<int>::kEntryOverheadBytes;

  // `budget_bytes` 0: nothing is kept.
  explicit PageCache(size_t budget_bytes) : budget_bytes_(budget_bytes), pages_(budget_bytes) {}

  // The body cached under `key` if it was stored at `generation` and less
  // than `ttl` before `now`; a stale entry is dropped.
  std::optional<std::string> Find(const std::string& key, uint64_t generation, base::Time now,
                                  std::chrono::milliseconds ttl) EXCLUDES(mu_);

  // Keeps `body` under `key` (replacing an older entry), evicting the least
  // recently used entries until the cache fits its budget. A page larger
  // than the whole budget is not kept.
  void Insert(const std::string& key, std::string body, uint64_t generation, base::Time rendered_at)
      EXCLUDES(mu_);

  // Bytes charged (keys, bodies and kEntryOverheadBytes each); never above
  // the budget.
  size_t bytes() const EXCLUDES(mu_);
  size_t entries() const EXCLUDES(mu_);
  size_t budget_bytes() const { return budget_bytes_; }

 private:
  struct Page {
    std::string body;
    uint64_t generation = 0;
    base::Time rendered_at;
  };

  const size_t budget_bytes_;
  mutable base::Mutex mu_;
  LruMap<Page> pages_ GUARDED_BY(mu_);
};

}  // namespace commentd::http
