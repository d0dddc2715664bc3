#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace commentd::http {
namespace {

using std::chrono::seconds;

TEST(RateLimiterTest, AllowsBurstThenAsksToRetryUntilRefilled) {
  RateLimiter limiter(RateLimit{3, 6});  // one token every 10 s
  const base::Time t0{seconds(1000)};
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("a", t0), 10);
  EXPECT_EQ(limiter.Acquire("a", t0 + seconds(4)), 6);
  EXPECT_EQ(limiter.Acquire("a", t0 + seconds(10)), 0);
  EXPECT_EQ(limiter.Acquire("a", t0 + seconds(10)), 10);
}

TEST(RateLimiterTest, KeysHaveSeparateBuckets) {
  RateLimiter limiter(RateLimit{1, 1});
  const base::Time t0{seconds(1000)};
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_GT(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("b", t0), 0);
}

TEST(RateLimiterTest, EvictionOfFullBucketsKeepsLimitsOfActiveKeys) {
  RateLimiter limiter(RateLimit{1, 60}, /*max_keys=*/2);
  const base::Time t0{seconds(1000)};
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("b", t0 + seconds(5)), 0);  // "a" is full again by then
  EXPECT_EQ(limiter.Acquire("c", t0 + seconds(5)), 0);  // evicts "a", keeps "b"
  EXPECT_GT(limiter.Acquire("b", t0 + seconds(5)), 0);
}

}  // namespace
}  // namespace commentd::http
