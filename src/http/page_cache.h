// PageCache: rendered thread pages kept for reuse under a byte budget, least
// recently used evicted first (re2's max_mem: a hostile sequence of distinct
// requests cannot grow it past the budget). An entry remembers the write
// generation it was read at and when; a lookup with another generation or
// past the TTL misses and drops it.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace commentd::http {

// Thread-safe.
class PageCache {
 public:
  // What one entry costs besides its key and body (list and map nodes).
  static constexpr size_t kEntryOverheadBytes = 128;

  // `budget_bytes` 0: nothing is kept.
  explicit PageCache(size_t budget_bytes) : budget_bytes_(budget_bytes) {}

  // The body cached under `key` if it was stored at `generation` and less
  // than `ttl` before `now`; a stale entry is dropped.
  std::optional<std::string> Find(const std::string& key, uint64_t generation, base::Time now,
                                  std::chrono::milliseconds ttl);

  // Keeps `body` under `key` (replacing an older entry), evicting the least
  // recently used entries until the cache fits its budget. A page larger
  // than the whole budget is not kept.
  void Insert(const std::string& key, std::string body, uint64_t generation,
              base::Time rendered_at);

  // Bytes charged (keys, bodies and kEntryOverheadBytes each); never above
  // the budget.
  size_t bytes() const;
  size_t entries() const;
  size_t budget_bytes() const { return budget_bytes_; }

 private:
  struct Entry {
    std::string key;
    std::string body;
    uint64_t generation = 0;
    base::Time rendered_at;
  };
  using List = std::list<Entry>;  // most recently used first

  static size_t Cost(const Entry& e) { return e.key.size() + e.body.size() + kEntryOverheadBytes; }
  void Erase(List::iterator it);  // requires mu_

  const size_t budget_bytes_;
  mutable std::mutex mu_;
  List lru_;                                                    // guarded by mu_
  std::unordered_map<std::string_view, List::iterator> index_;  // keys view lru_; guarded by mu_
  size_t bytes_ = 0;                                            // guarded by mu_
};

}  // namespace commentd::http
