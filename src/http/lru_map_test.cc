#include "http/lru_map.h"

#include <gtest/gtest.h>

#include <string>

namespace commentd::http {
namespace {

// The budget of `n` entries with one-byte keys and no value bytes.
size_t BudgetOf(size_t n) { return n * (1 + LruMap<int>::kEntryOverheadBytes); }

TEST(LruMapTest, FindsWhatWasInserted) {
  LruMap<int> map(BudgetOf(2));
  map.Insert("a", 1, 0);
  ASSERT_NE(map.Find("a"), nullptr);
  EXPECT_EQ(*map.Find("a"), 1);
  EXPECT_EQ(map.Find("b"), nullptr);
}

TEST(LruMapTest, EvictsTheLeastRecentlyUsedEntryFirst) {
  LruMap<int> map(BudgetOf(2));
  map.Insert("a", 1, 0);
  map.Insert("b", 2, 0);
  ASSERT_NE(map.Find("a"), nullptr);  // "b" is now the oldest
  map.Insert("c", 3, 0);
  EXPECT_NE(map.Find("a"), nullptr);
  EXPECT_EQ(map.Find("b"), nullptr);
  EXPECT_NE(map.Find("c"), nullptr);
}

TEST(LruMapTest, DistinctKeysNeverTakeItPastItsBudget) {
  LruMap<int> map(BudgetOf(3) + 10);
  for (int i = 0; i < 1000; ++i) {
    map.Insert(std::to_string(i), i, static_cast<size_t>(i % 7));
    ASSERT_LE(map.bytes(), map.budget_bytes()) << "after " << i + 1 << " inserts";
  }
  EXPECT_GT(map.entries(), 0u);
}

TEST(LruMapTest, KeepsNoEntryLargerThanTheBudgetAndDropsTheOlderOneUnderItsKey) {
  LruMap<int> map(BudgetOf(1) + 100);
  map.Insert("k", 1, 0);
  EXPECT_EQ(map.Insert("k", 2, 1000), nullptr);
  EXPECT_EQ(map.Find("k"), nullptr);
  EXPECT_EQ(map.bytes(), 0u);
}

TEST(LruMapTest, ReplacingAKeyChargesItOnce) {
  LruMap<int> map(1 << 20);
  map.Insert("k", 1, 100);
  const size_t once = map.bytes();
  map.Insert("k", 2, 100);
  EXPECT_EQ(map.bytes(), once);
  EXPECT_EQ(map.entries(), 1u);
  EXPECT_EQ(*map.Find("k"), 2);
}

TEST(LruMapTest, EraseGivesItsBytesBack) {
  LruMap<int> map(1 << 20);
  map.Insert("k", 1, 100);
  map.Erase("k");
  map.Erase("missing");
  EXPECT_EQ(map.bytes(), 0u);
  EXPECT_EQ(map.entries(), 0u);
}

}  // namespace
}  // namespace commentd::http
