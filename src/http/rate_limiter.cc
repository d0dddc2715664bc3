#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace commentd::http {

RateLimiter::RateLimiter(RateLimit limit, size_t budget_bytes)
    : limit_(limit), budget_bytes_(budget_bytes), buckets_(budget_bytes) {}

int RateLimiter::Acquire(std::string_view key, TimePoint now) {
  const double per_second = limit_.per_minute / 60.0;
  base::MutexLock lock(&mu_);
  Bucket* found = buckets_.Find(key);
  if (found == nullptr) found = buckets_.Insert(key, Bucket{limit_.burst, now}, 0);
  // A key too large to keep is answered as a new key would be.
  Bucket unkept{limit_.burst, now};
  Bucket& b = found != nullptr ? *found : unkept;
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

size_t RateLimiter::bytes() const {
  base::MutexLock lock(&mu_);
  return buckets_.bytes();
}

size_t RateLimiter::keys() const {
  base::MutexLock lock(&mu_);
  return buckets_.entries();
}

}  // namespace commentd::http
