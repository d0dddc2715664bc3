#include "training/metrics.h"

#include <gtest/gtest.h>

namespace commentd::training {
namespace {

using moderation::Decision;

TEST(RatioTest, IsZeroRatherThanNanWhenTheDenominatorIsZero) {
  EXPECT_EQ(Ratio(3, 4), 0.75);
  EXPECT_EQ(Ratio(0, 0), 0.0);
  EXPECT_EQ(Ratio(5, 0), 0.0);
}

TEST(DecisionCountsTest, HeldAndDeletedBothCountAsFlagged) {
  DecisionCounts c;
  c.Add(true, Decision::kDelete);   // tp
  c.Add(true, Decision::kHold);     // tp
  c.Add(true, Decision::kPublish);  // fn
  c.Add(false, Decision::kHold);    // fp, clean held
  c.Add(false, Decision::kDelete);  // fp, clean deleted
  c.Add(false, Decision::kPublish);
  c.Add(false, Decision::kPublish);
  c.Add(false, Decision::kPublish);
  EXPECT_EQ(c.tp, 2u);
  EXPECT_EQ(c.fn, 1u);
  EXPECT_EQ(c.fp, 2u);
  EXPECT_EQ(c.tn, 3u);
  EXPECT_EQ(c.n(), 8u);
  EXPECT_EQ(c.positives(), 3u);
  EXPECT_EQ(c.clean(), 5u);
  EXPECT_EQ(c.clean_deleted, 1u);
  EXPECT_EQ(c.clean_held, 1u);
}

TEST(DecisionCountsTest, PrecisionRecallAndF1AtHandComputedValues) {
  DecisionCounts c;
  c.tp = 2, c.fp = 2, c.fn = 1, c.tn = 5, c.clean_deleted = 1, c.clean_held = 1;
  EXPECT_DOUBLE_EQ(c.Precision(), 0.5);   // 2 / 4
  EXPECT_DOUBLE_EQ(c.Recall(), 2.0 / 3);  // 2 / 3
  EXPECT_DOUBLE_EQ(c.F1(), 4.0 / 7);      // 2PR / (P + R) = (2/3) / (7/6)
  EXPECT_DOUBLE_EQ(c.CleanDeletedShare(), 1.0 / 7);
  EXPECT_DOUBLE_EQ(c.CleanHeldShare(), 1.0 / 7);
}

TEST(DecisionCountsTest, AnEmptyCellReportsZerosAndNoSpeed) {
  const DecisionCounts c;
  EXPECT_EQ(c.Precision(), 0.0);
  EXPECT_EQ(c.Recall(), 0.0);
  EXPECT_EQ(c.F1(), 0.0);
  EXPECT_EQ(c.CleanDeletedShare(), 0.0);
  EXPECT_EQ(c.TextsPerSecond(), std::nullopt);
}

TEST(DecisionCountsTest, NothingFlaggedHasPrecisionAndF1Zero) {
  DecisionCounts c;
  c.Add(true, Decision::kPublish);
  c.Add(false, Decision::kPublish);
  EXPECT_EQ(c.Precision(), 0.0);
  EXPECT_EQ(c.Recall(), 0.0);
  EXPECT_EQ(c.F1(), 0.0);
}

TEST(DecisionCountsTest, MergeAddsCountsAndTimeAndSpeedIsCommentsPerSecond) {
  DecisionCounts a;
  a.Add(true, Decision::kDelete);
  a.seconds = 0.5;
  DecisionCounts b;
  b.Add(false, Decision::kHold);
  b.Add(false, Decision::kPublish);
  b.seconds = 1.0;
  a.Merge(b);
  EXPECT_EQ(a.tp, 1u);
  EXPECT_EQ(a.fp, 1u);
  EXPECT_EQ(a.tn, 1u);
  EXPECT_EQ(a.clean_held, 1u);
  EXPECT_DOUBLE_EQ(a.seconds, 1.5);
  EXPECT_DOUBLE_EQ(a.TextsPerSecond().value(), 2.0);  // 3 comments in 1.5 s
}

}  // namespace
}  // namespace commentd::training
