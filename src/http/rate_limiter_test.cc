#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace commentd::http {
namespace {

using std::chrono::seconds;

// The budget of `n` keys of one byte each.
size_t BudgetOfOneByteKeys(size_t n) { return n * (1 + RateLimiter::kEntryOverheadBytes); }

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

TEST(RateLimiterTest, EvictionOfTheLeastRecentlyUsedBucketKeepsLimitsOfActiveKeys) {
  RateLimiter limiter(RateLimit{1, 60}, BudgetOfOneByteKeys(2));
  const base::Time t0{seconds(1000)};
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("b", t0 + seconds(5)), 0);  // "a" is full again by then
  EXPECT_EQ(limiter.Acquire("c", t0 + seconds(5)), 0);  // evicts "a", keeps "b"
  EXPECT_GT(limiter.Acquire("b", t0 + seconds(5)), 0);
}

TEST(RateLimiterTest, KeyTableStaysWithinItsByteBudgetWhenNoBucketHasRefilled) {
  // Before the byte budget, only full buckets were evicted, so distinct keys
  // whose buckets were all still empty grew the table past its cap.
  RateLimiter limiter(RateLimit{1, 1}, BudgetOfOneByteKeys(2));
  const base::Time t0{seconds(1000)};
  for (char c = 'a'; c <= 'z'; ++c) limiter.Acquire(std::string(1, c), t0);
  EXPECT_EQ(limiter.keys(), 2u);
  EXPECT_LE(limiter.bytes(), limiter.budget_bytes());
}

TEST(RateLimiterTest, UsingAKeyKeepsItFromEviction) {
  RateLimiter limiter(RateLimit{1, 1}, BudgetOfOneByteKeys(2));
  const base::Time t0{seconds(1000)};
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("b", t0), 0);
  EXPECT_GT(limiter.Acquire("a", t0), 0);  // "a" is now the most recently used
  EXPECT_EQ(limiter.Acquire("c", t0), 0);  // evicts "b"
  EXPECT_GT(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire("b", t0), 0);  // "b" was forgotten: a fresh bucket
}

TEST(RateLimiterTest, KeyLargerThanTheBudgetIsAnsweredAsANewKeyAndNotKept) {
  RateLimiter limiter(RateLimit{1, 1}, BudgetOfOneByteKeys(1));
  const base::Time t0{seconds(1000)};
  const std::string huge(2 * RateLimiter::kEntryOverheadBytes, 'x');
  EXPECT_EQ(limiter.Acquire("a", t0), 0);
  EXPECT_EQ(limiter.Acquire(huge, t0), 0);
  EXPECT_EQ(limiter.keys(), 1u);
  EXPECT_GT(limiter.Acquire("a", t0), 0);
}

}  // namespace
}  // namespace commentd::http
