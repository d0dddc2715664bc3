// RateLimiter: token buckets keyed by a string (an IP hash, an author name),
// so one writer cannot flood a thread. The caller passes the time, which keeps
// the limiter free of clocks and its tests free of sleeps.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/mutex.h"
#include "http/lru_map.h"

namespace commentd::http {

struct RateLimit {
  double burst = 5;        // requests allowed at once
  double per_minute = 10;  // sustained rate
};

// Thread-safe.
class RateLimiter {
 public:
  using TimePoint = base::Time;

  // What one key costs besides its bytes.
  static constexpr size_t kEntryOverheadBytes = LruMap<int>::kEntryOverheadBytes;
  // About 80,000 keys of 64 bytes.
  static constexpr size_t kDefaultBudgetBytes = 16 * 1024 * 1024;

  // `budget_bytes` bounds the key table (keys and kEntryOverheadBytes each),
  // so a hostile sequence of distinct keys cannot grow it: a new key that
  // does not fit evicts the least recently used buckets, the ones most likely
  // to have refilled completely. A key evicted before it refilled starts
  // again from a full bucket: the price of bounded memory.
  explicit RateLimiter(RateLimit limit, size_t budget_bytes = kDefaultBudgetBytes);

  // Takes one token from `key`'s bucket at time `now`. Returns 0 when the
  // request is allowed, else the whole seconds (>= 1) until a token is back:
  // the value of a Retry-After header.
  int Acquire(std::string_view key, TimePoint now) EXCLUDES(mu_);

  // Bytes charged for the keys held; never above the budget.
  size_t bytes() const EXCLUDES(mu_);
  size_t keys() const EXCLUDES(mu_);
  size_t budget_bytes() const { return budget_bytes_; }

 private:
  struct Bucket {
    double tokens;
    TimePoint updated;
  };

  const RateLimit limit_;
  const size_t budget_bytes_;
  mutable base::Mutex mu_;
  LruMap<Bucket> buckets_ GUARDED_BY(mu_);
};

}  // namespace commentd::http
