// The tuning maths on small cases computed by hand.
#include "training/tuner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <vector>

namespace commentd::training {
namespace {

using moderation::Decision;

// Just above `p`: the threshold that `p` itself no longer reaches.
double Above(double p) { return std::nextafter(p, 2.0); }

// Comments for the tuner; the deque keeps the pointers of Pointers() valid.
class Comments {
 public:
  Comments& Clean(double p, Decision rules = Decision::kPublish, std::string_view lang = "en") {
    all_.push_back({lang, false, p, rules});
    return *this;
  }
  Comments& Positive(double p, Decision rules = Decision::kPublish, std::string_view lang = "en") {
    all_.push_back({lang, true, p, rules});
    return *this;
  }
  // 100 clean comments with probabilities 0.00, 0.01, ..., 0.99.
  Comments& HundredClean(Decision rules_on_half = Decision::kPublish) {
    for (int i = 0; i < 100; ++i) Clean(i / 100.0, i == 50 ? rules_on_half : Decision::kPublish);
    return *this;
  }
  std::vector<const ScoredComment*> Pointers() const {
    std::vector<const ScoredComment*> out;
    for (const ScoredComment& c : all_) out.push_back(&c);
    return out;
  }
  std::vector<ScoredComment> Values() const { return {all_.begin(), all_.end()}; }

 private:
  std::deque<ScoredComment> all_;
};

size_t Reaching(const std::vector<double>& probabilities, double threshold) {
  size_t n = 0;
  for (double p : probabilities) n += p >= threshold ? 1 : 0;
  return n;
}

TEST(ThresholdForTest, LetsExactlyTheBudgetReachItWhenProbabilitiesDiffer) {
  const std::vector<double> p = {0.2, 0.9, 0.5};
  EXPECT_EQ(ThresholdFor(p, 0), Above(0.9));
  EXPECT_EQ(ThresholdFor(p, 1), Above(0.5));
  EXPECT_EQ(Reaching(p, ThresholdFor(p, 1)), 1u);
  EXPECT_EQ(ThresholdFor(p, 2), Above(0.2));
  EXPECT_EQ(Reaching(p, ThresholdFor(p, 2)), 2u);
}

TEST(ThresholdForTest, TiesAtTheBudgetAllStayBelowSoTheBudgetIsNeverPassed) {
  const std::vector<double> p = {0.7, 0.1, 0.7};
  EXPECT_EQ(ThresholdFor(p, 1), Above(0.7));
  EXPECT_EQ(Reaching(p, ThresholdFor(p, 1)), 0u);
}

TEST(ThresholdForTest, IsZeroWhenTheBudgetCoversEveryProbabilityOrThereAreNone) {
  EXPECT_EQ(ThresholdFor({0.3, 0.6}, 2), 0.0);
  EXPECT_EQ(ThresholdFor({0.3}, 5), 0.0);
  EXPECT_EQ(ThresholdFor({}, 0), 0.0);
}

bool Never(Decision) { return false; }

TEST(BestThresholdTest, PicksTheBestF1AndTheHigherThresholdOnATie) {
  // Positives 0.9 and 0.6, clean 0.7 and 0.2; floor 0.5.
  // t=0.9: tp 1, fn 1, fp 0 -> F1 2/3. t=0.6: tp 2, fp 1 -> F1 4/5.
  // t=0.5 (the floor): the same as 0.6 -> the tie keeps 0.6.
  const Comments c = Comments().Positive(0.9).Positive(0.6).Clean(0.7).Clean(0.2);
  EXPECT_EQ(BestThreshold(c.Pointers(), 0.5, Never), 0.6);
}

TEST(BestThresholdTest, IsTheFloorWhenNoPositiveReachesIt) {
  const Comments c = Comments().Positive(0.3).Clean(0.8).Clean(0.1);
  EXPECT_EQ(BestThreshold(c.Pointers(), 0.5, Never), 0.5);
}

TEST(BestThresholdTest, ACommentTheRulesFlagCountsAsCaughtAtEveryThreshold) {
  // Positives 0.9 and 0.4 (the rules delete the latter), clean 0.6; floor 0.3.
  // Counting the rules: t=0.9 catches both positives and no clean comment
  // (F1 1). Without them, t=0.4 (tp 2, fp 1, F1 0.8) beats t=0.9 (F1 2/3).
  const Comments c = Comments().Positive(0.9).Positive(0.4, Decision::kDelete).Clean(0.6);
  EXPECT_EQ(BestThreshold(c.Pointers(), 0.3, [](Decision d) { return d == Decision::kDelete; }),
            0.9);
  EXPECT_EQ(BestThreshold(c.Pointers(), 0.3, Never), 0.4);
}

TEST(TuneTest, NothingToTuneOnIsNullopt) {
  EXPECT_EQ(Tune({}), std::nullopt);
  EXPECT_EQ(Tune(Comments().Clean(0.2).Clean(0.9).Pointers()), std::nullopt);  // no positives
  EXPECT_EQ(Tune(Comments().Positive(0.9).Pointers()), std::nullopt);          // no clean
}

TEST(TuneTest, ChoosesTheBestF1AboveTheFloorsTheBudgetSets) {
  // 100 clean comments at 0.00..0.99: deleting 1% allows one (the floor is
  // just above 0.98), flagging 4% allows four (just above 0.95).
  // Delete, candidates 0.995 and the floor: 0.995 has tp 1, fp 0, fn 3 (F1
  // 0.4); the floor adds the clean 0.99 (F1 1/3).
  // Hold, candidates 0.995 (F1 0.4), 0.97 (tp 2, fp 3: 4/9), 0.965 (tp 3,
  // fp 3, fn 1: 0.6) and the floor (tp 3, fp 4: 6/11).
  const Comments c =
      Comments().HundredClean().Positive(0.995).Positive(0.97).Positive(0.965).Positive(0.5);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->delete_threshold, 0.995);
  EXPECT_EQ(t->hold_threshold, 0.965);
}

TEST(TuneTest, WithoutUsefulPositivesTheThresholdsAreTheBudgetFloors) {
  const auto t = Tune(Comments().HundredClean().Positive(0.3).Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->delete_threshold, Above(0.98));  // one clean comment (0.99) deleted
  EXPECT_EQ(t->hold_threshold, Above(0.95));    // four (0.96..0.99) flagged
}

TEST(TuneTest, WhatTheRulesDeleteUsesTheBudgetFirst) {
  // The rules delete the clean comment at 0.50: no deletion is left for the
  // model (just above the highest, 0.99), and three flags (above 0.96).
  const auto t = Tune(Comments().HundredClean(Decision::kDelete).Positive(0.3).Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->delete_threshold, Above(0.99));
  EXPECT_EQ(t->hold_threshold, Above(0.96));
}

TEST(TuneTest, WhatTheRulesHoldUsesOnlyTheFlagBudget) {
  const auto t = Tune(Comments().HundredClean(Decision::kHold).Positive(0.3).Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->delete_threshold, Above(0.98));
  EXPECT_EQ(t->hold_threshold, Above(0.96));
}

TEST(TuneTest, HoldIsCappedByDelete) {
  // One clean comment: both budgets are 0, both floors just above 0.4.
  // Delete: 0.5 catches both positives and no clean comment (F1 1; the
  // floor ties). Hold: the rules already hold the 0.5 positive, so 0.9
  // alone has F1 1 and wins the tie; capped, it becomes 0.5.
  const auto t =
      Tune(Comments().Clean(0.4).Positive(0.9).Positive(0.5, Decision::kHold).Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->delete_threshold, 0.5);
  EXPECT_EQ(t->hold_threshold, 0.5);
}

TEST(TuneSectionsTest, TheModelFirstThenLanguagesWithEnoughCleanCommentsInNameOrder) {
  Comments c;
  for (int i = 0; i < 3; ++i) c.Clean(0.1, Decision::kPublish, "ko");
  c.Positive(0.9, Decision::kPublish, "ko");
  for (int i = 0; i < 2; ++i) c.Clean(0.2, Decision::kPublish, "en");  // positives: none
  c.Clean(0.1, Decision::kPublish, "zh");                              // too few
  c.Positive(0.8, Decision::kPublish, "");                             // no language
  const std::vector<TunedSection> sections = TuneSections("advertisement", c.Values(), 2);
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[0].section, "advertisement");
  EXPECT_EQ(sections[0].clean, 6u);
  EXPECT_EQ(sections[0].positives, 2u);
  EXPECT_TRUE(sections[0].thresholds.has_value());
  EXPECT_EQ(sections[1].section, "advertisement.en");
  EXPECT_EQ(sections[1].clean, 2u);
  EXPECT_EQ(sections[1].thresholds, std::nullopt);
  EXPECT_EQ(sections[2].section, "advertisement.ko");
  EXPECT_EQ(sections[2].positives, 1u);
  EXPECT_TRUE(sections[2].thresholds.has_value());
}

TEST(TuneSectionsTest, NoCleanCommentsGiveNoSections) {
  EXPECT_TRUE(TuneSections("advertisement", {}).empty());
  EXPECT_TRUE(TuneSections("advertisement", Comments().Positive(0.9).Values()).empty());
}

}  // namespace
}  // namespace commentd::training
