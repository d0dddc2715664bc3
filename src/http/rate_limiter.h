// RateLimiter: token buckets keyed by a string (an IP hash, an author name),
// so one writer cannot flood a thread. The caller passes the time, which keeps
// the limiter free of clocks and its tests free of sleeps.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace commentd::http {

struct RateLimit {
  double burst = 5;        // requests allowed at once
  double per_minute = 10;  // sustained rate
};

// Thread-safe.
class RateLimiter {
 public:
  using TimePoint = base::Time;

  // `max_keys` bounds memory: when exceeded, buckets that have refilled
  // completely (and so carry no state) are dropped.
  explicit RateLimiter(RateLimit limit, size_t max_keys = 100000);

  // Takes one token from `key`'s bucket at time `now`. Returns 0 when the
  // request is allowed, else the whole seconds (>= 1) until a token is back:
  // the value of a Retry-After header.
  int Acquire(std::string_view key, TimePoint now);

 private:
  struct Bucket {
    double tokens;
    TimePoint updated;
  };
  void EvictFullBuckets(TimePoint now);  // requires mu_ held

  const RateLimit limit_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace commentd::http
