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

TEST(TuneTest, NothingToTuneOnIsNullopt) {
  EXPECT_EQ(Tune({}), std::nullopt);
  EXPECT_EQ(Tune(Comments().Clean(0.2).Clean(0.9).Pointers()), std::nullopt);  // no positives
  EXPECT_EQ(Tune(Comments().Positive(0.9).Pointers()), std::nullopt);          // no clean
}

TEST(AllowedTest, RoundsTheFractionalBudgetDown) {
  EXPECT_EQ(Allowed(200, 0.5), 1u);
  EXPECT_EQ(Allowed(199, 0.5), 0u);
  EXPECT_EQ(Allowed(1000, 0.5), 5u);
  EXPECT_EQ(Allowed(100, 3.0), 3u);
  EXPECT_EQ(Allowed(0, 3.0), 0u);
}

TEST(CombinedDecisionTest, IsTheModeratorsCalibratedDecisionWithTheActionDelete) {
  const moderation::ClassifierThresholds t{.delete_threshold = 0.9, .hold_threshold = 0.6};
  EXPECT_EQ(CombinedDecision(Decision::kPublish, 0.95, t), Decision::kDelete);
  EXPECT_EQ(CombinedDecision(Decision::kPublish, 0.7, t), Decision::kHold);
  EXPECT_EQ(CombinedDecision(Decision::kPublish, 0.59, t), Decision::kPublish);
  EXPECT_EQ(CombinedDecision(Decision::kHold, 0.6, t), Decision::kDelete) << "a rule agrees";
  EXPECT_EQ(CombinedDecision(Decision::kHold, 0.59, t), Decision::kHold);
  EXPECT_EQ(CombinedDecision(Decision::kDelete, 0.1, t), Decision::kDelete);
}

// 200 clean comments at 0.000, 0.005, ..., 0.995: the budget deletes one
// and holds six.
Comments TwoHundredClean() {
  Comments c;
  for (int i = 0; i < 200; ++i) c.Clean(i / 200.0);
  return c;
}

TEST(TuneTest, HoldsAtTheBestFlaggedF1TheBudgetAllowsThenDeletesAtTheBestDeletedF1) {
  // Positives 0.9975, 0.9875, 0.9825, 0.5. Hold candidates (the delete
  // threshold at its lowest in budget: just above 0.99, one clean deleted):
  //   1: nothing flagged, F1 0.
  //   0.9975: tp 1, fp 0, fn 3: F1 0.4.
  //   0.9875: clean 0.99 held, 0.995 deleted: tp 2, fp 2, fn 2: F1 0.5.
  //   0.9825: clean 0.985, 0.99 held, 0.995 deleted: tp 3, fp 3, fn 1: 0.6.
  //   0.5 and 0: 99 or more clean held, over budget.
  // Delete candidates at hold 0.9825: 1 (F1 0), 0.9975 (tp 1, fn 3: 0.4),
  // just above 0.99 (tp 1, fp 1, fn 3: 1/3).
  const Comments c =
      TwoHundredClean().Positive(0.9975).Positive(0.9875).Positive(0.9825).Positive(0.5);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->hold_threshold, 0.9825);
  EXPECT_EQ(t->delete_threshold, 0.9975);
}

TEST(TuneTest, ARuleHoldTheModelConfirmsIsADeletionAndUsesTheDeleteBudget) {
  // 200 clean: 198 at 0.1, and the rules hold two at 0.9 and 0.8 (budget:
  // one deletion, six holds). Positives at 0.95 and 0.85.
  //   hold 0.95: tp 1, fp 2 (the rules' holds), fn 1: F1 0.4.
  //   hold 0.85: the model confirms the rules' 0.9 (deleted: the whole
  //     delete budget); tp 2, fp 2: F1 2/3.
  //   hold 0: it would confirm both rules' holds, two deletions: over budget.
  // Delete at hold 0.85: 1 (nothing deleted but the confirmed hold, F1 0),
  // 0.95 (tp 1, fp 1, fn 1: 0.5), 0.85 (tp 2, fp 1: 0.8).
  Comments c;
  for (int i = 0; i < 198; ++i) c.Clean(0.1);
  c.Clean(0.9, Decision::kHold).Clean(0.8, Decision::kHold).Positive(0.95).Positive(0.85);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->hold_threshold, 0.85);
  EXPECT_EQ(t->delete_threshold, 0.85);
}

TEST(TuneTest, WhatTheRulesDeleteUsesTheBudgetFirst) {
  // 200 clean at 0.000..0.995, the rules delete the one at 0.5: no deletion
  // is left for the model, whose delete threshold must stay above 0.995.
  // Hold 0.981 then holds three clean comments (0.985..0.995) and catches
  // both positives (tp 2, fp 4 with the rules' delete: F1 0.5), a tie with
  // 0.999 alone (tp 1, fp 1, fn 1: F1 0.5) that goes to the higher.
  Comments c;
  for (int i = 0; i < 200; ++i)
    c.Clean(i / 200.0, i == 100 ? Decision::kDelete : Decision::kPublish);
  c.Positive(0.999).Positive(0.981);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->hold_threshold, 0.999);
  EXPECT_GT(t->delete_threshold, 0.995);
}

TEST(TuneTest, WhenTheRulesAloneDeleteTooMuchTheModelAddsNoDeletionButMayHold) {
  // 100 clean comments allow no deletion; the rules delete two at 0.1, the
  // other 98 are at 0.1 too. Hold 0.9 catches the positive (tp 1, fp 2 (the
  // rules' deletions): F1 0.5) and deletes no clean comment; hold 0 would
  // hold all 98. Delete 0.9 (F1 0.5) beats 1 (F1 0).
  Comments c;
  for (int i = 0; i < 100; ++i) c.Clean(0.1, i < 2 ? Decision::kDelete : Decision::kPublish);
  c.Positive(0.9);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->hold_threshold, 0.9);
  EXPECT_EQ(t->delete_threshold, 0.9);
}

TEST(TuneTest, WhenTheRulesAloneHoldTooMuchTheModelNeverActs) {
  // 100 clean comments allow three holds; the rules hold four.
  Comments c;
  for (int i = 0; i < 100; ++i) c.Clean(0.1, i < 4 ? Decision::kHold : Decision::kPublish);
  c.Positive(0.9);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->delete_threshold, 1.0);
  EXPECT_EQ(t->hold_threshold, 1.0);
}

TEST(TuneTest, TheTunedThresholdsKeepTheCombinedPolicyInBudget) {
  // A check against the simulation itself: many clean comments, some held
  // or deleted by the rules, and positives spread over the range.
  Comments c;
  for (int i = 0; i < 1000; ++i) {
    const Decision rules = i % 97 == 0    ? Decision::kHold
                           : i % 331 == 0 ? Decision::kDelete
                                          : Decision::kPublish;
    c.Clean((i * 7919 % 1000) / 1000.0, rules);
  }
  for (int i = 0; i < 300; ++i) c.Positive(0.5 + (i * 31 % 500) / 1000.0);
  const auto t = Tune(c.Pointers());
  ASSERT_TRUE(t.has_value());
  size_t deleted = 0, held = 0;
  for (const ScoredComment* s : c.Pointers()) {
    if (s->positive) continue;
    const Decision d = CombinedDecision(s->rules, s->probability, *t);
    deleted += d == Decision::kDelete ? 1 : 0;
    held += d == Decision::kHold ? 1 : 0;
  }
  EXPECT_LE(deleted, Allowed(1000, kCleanDeletedPercent));
  EXPECT_LE(held, Allowed(1000, kCleanHeldPercent));
  EXPECT_LE(t->hold_threshold, t->delete_threshold);
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

TEST(TuneSectionsTest, TheSectionForUntunedLanguagesIsAsCarefulAsTheMostCarefulLanguage) {
  // Korean separates at 0.9 / 0.8 on its own; pooled with the English, whose
  // clean comments score low, a lower threshold would do. Japanese has too
  // few comments and is decided by the section: it gets Korean's care.
  Comments c;
  for (int i = 0; i < 200; ++i) c.Clean(0.85, Decision::kPublish, "ko");
  for (int i = 0; i < 20; ++i) c.Positive(0.95, Decision::kPublish, "ko");
  for (int i = 0; i < 200; ++i) c.Clean(0.1, Decision::kPublish, "en");
  for (int i = 0; i < 20; ++i) c.Positive(0.5, Decision::kPublish, "en");
  c.Clean(0.1, Decision::kPublish, "ja");
  const std::vector<TunedSection> sections =
      TuneSections("inappropriate_language", c.Values(), 100);
  ASSERT_EQ(sections.size(), 3u);
  ASSERT_TRUE(sections[0].thresholds && sections[1].thresholds && sections[2].thresholds);
  EXPECT_EQ(sections[2].section, "inappropriate_language.ko");
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_GE(sections[0].thresholds->hold_threshold, sections[i].thresholds->hold_threshold);
    EXPECT_GE(sections[0].thresholds->delete_threshold, sections[i].thresholds->delete_threshold);
  }
  EXPECT_GT(sections[2].thresholds->hold_threshold, 0.85)
      << "Korean holds above its clean comments";
}

TEST(TuneSectionsTest, NoCleanCommentsGiveNoSections) {
  EXPECT_TRUE(TuneSections("advertisement", {}).empty());
  EXPECT_TRUE(TuneSections("advertisement", Comments().Positive(0.9).Values()).empty());
}

}  // namespace
}  // namespace commentd::training
