#include "http/page_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace commentd::http {
namespace {

const base::Time kNow{std::chrono::seconds(1795000000)};
constexpr std::chrono::milliseconds kTtl{1000};

TEST(PageCacheTest, HostileDistinctKeysNeverTakeItPastItsBudget) {
  constexpr size_t kBudget = 64 * 1024;
  PageCache cache(kBudget);
  const std::string page(5000, 'x');
  for (int i = 0; i < 10000; ++i) {
    cache.Insert("thread\nlimit=" + std::string(static_cast<size_t>(i % 50), '0') + "1\n" +
                     std::to_string(i),
                 page, 0, kNow);
    ASSERT_LE(cache.bytes(), kBudget) << "after " << i + 1 << " inserts";
  }
  EXPECT_GT(cache.entries(), 0u);
  EXPECT_LE(cache.entries(), kBudget / page.size());
}

TEST(PageCacheTest, EvictsTheLeastRecentlyUsedPageFirst) {
  const std::string page(1000, 'p');
  PageCache cache(3 * (1000 + 1 + PageCache::kEntryOverheadBytes));
  cache.Insert("a", page, 0, kNow);
  cache.Insert("b", page, 0, kNow);
  cache.Insert("c", page, 0, kNow);
  ASSERT_TRUE(cache.Find("a", 0, kNow, kTtl).has_value());  // "b" is now the oldest
  cache.Insert("d", page, 0, kNow);
  EXPECT_TRUE(cache.Find("a", 0, kNow, kTtl).has_value());
  EXPECT_FALSE(cache.Find("b", 0, kNow, kTtl).has_value());
  EXPECT_TRUE(cache.Find("c", 0, kNow, kTtl).has_value());
  EXPECT_TRUE(cache.Find("d", 0, kNow, kTtl).has_value());
}

TEST(PageCacheTest, KeepsNoPageLargerThanTheBudget) {
  PageCache cache(1024);
  cache.Insert("big", std::string(2048, 'b'), 0, kNow);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(PageCacheTest, MissesAndDropsAPageOfAnotherGenerationOrPastItsTtl) {
  PageCache cache(1 << 20);
  cache.Insert("k", "body", 1, kNow);
  EXPECT_FALSE(cache.Find("k", 1, kNow + kTtl, kTtl).has_value());
  EXPECT_EQ(cache.entries(), 0u);
  cache.Insert("k", "body", 1, kNow);
  EXPECT_FALSE(cache.Find("k", 2, kNow, kTtl).has_value());
  EXPECT_EQ(cache.bytes(), 0u);
  cache.Insert("k", "body", 2, kNow);
  EXPECT_EQ(cache.Find("k", 2, kNow, kTtl).value_or(""), "body");
}

TEST(PageCacheTest, ReplacingAKeyChargesItOnce) {
  PageCache cache(1 << 20);
  cache.Insert("k", std::string(100, 'a'), 0, kNow);
  const size_t once = cache.bytes();
  cache.Insert("k", std::string(100, 'b'), 0, kNow);
  EXPECT_EQ(cache.bytes(), once);
  EXPECT_EQ(cache.entries(), 1u);
}

}  // namespace
}  // namespace commentd::http
