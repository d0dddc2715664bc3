#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace commentd::http {

RateLimiter::RateLimiter(RateLimit limit, size_t max_keys) : limit_(limit), max_keys_(max_keys) {}

int RateLimiter::Acquire(std::string_view key, TimePoint now) {
  const double per_second = limit_.per_minute / 60.0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) EvictFullBuckets(now);
    it = buckets_.emplace(std::string(key), Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  if (now > b.updated) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * per_second);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  if (per_second <= 0) return 3600;
  const double wait = (1.0 - b.tokens) / per_second;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

void RateLimiter::EvictFullBuckets(TimePoint now) {
  const double per_second = limit_.per_minute / 60.0;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed * per_second >= limit_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace commentd::http
