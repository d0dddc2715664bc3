// Tuner: the classifier thresholds `commentd eval --tune` proposes for the
// policy. Per model (and per language with enough comments) it keeps the
// combined policy at or under 0.5% of clean comments deleted and 3% held,
// simulating the calibrated decision the Moderator makes (CombinedDecision:
// a model alone holds, and deletes only above its delete threshold or when a
// rule agrees), with what the rules decide counted first. Among the
// thresholds the budget allows it picks the best F1, so a model that catches
// little is not made to spend its whole budget. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderation/policy.h"
#include "moderation/verdict.h"

namespace commentd::training {

// One comment as the tuner sees it.
struct ScoredComment {
  std::string_view language;  // text::GuessLanguage's name; empty: none
  bool positive = false;      // breaks the model's rule
  double probability = 0;     // the model's probability
  moderation::Decision rules = moderation::Decision::kPublish;  // the rules alone
};

// The budget, in percent of the clean comments of one language (fractions
// allowed): what the combined policy may delete, and what it may hold.
inline constexpr double kCleanDeletedPercent = 0.5;
inline constexpr double kCleanHeldPercent = 3.0;

// How many of `n` comments `percent` allows, rounded down.
size_t Allowed(size_t n, double percent);

// Fewer clean comments than this in a language tell too little for its own
// thresholds.
inline constexpr size_t kMinTuningComments = 300;

// What the Moderator decides (moderation::Calibrate, the rule's action
// delete) for a comment the rules decided `rules` and the model scored
// `probability`, at thresholds `t`.
moderation::Decision CombinedDecision(moderation::Decision rules, double probability,
                                      const moderation::ClassifierThresholds& t);

// The smallest threshold that at most `budget` of `probabilities` reach: just
// above the budget-th largest, so tied probabilities there all stay below.
// 0 when the budget covers them all (also when there are none). fastText's
// probabilities crowd near 0 and 1, so no fixed grid is used.
double ThresholdFor(std::vector<double> probabilities, size_t budget);

// The delete and hold thresholds for one model on `scored` (hold <= delete),
// such that CombinedDecision deletes at most Allowed(clean, kCleanDeletedPercent)
// and holds at most Allowed(clean, kCleanHeldPercent) of the clean comments.
// The hold threshold decides what is flagged (held or deleted): among those
// the budget allows (1 included: the model never acts alone), the one with
// the best F1 of "flagged", a tie to the higher. The delete threshold then
// only moves comments between held and deleted: among those the budget
// allows (the lowest that keeps deletions in budget, every positive's
// probability above it, and 1), the best F1 of "deleted", a tie to the
// higher. When the rules alone delete more clean comments than the budget,
// the budget becomes what they delete: the model adds no deletion but may
// still hold. When even the hold threshold 1 breaks the held budget (the
// rules alone hold too many), both are 1. Nullopt when `scored` has no positives or no clean
// comments to tune on.
std::optional<moderation::ClassifierThresholds> Tune(
    const std::vector<const ScoredComment*>& scored);

// One section of policy TOML that the tuner proposes.
struct TunedSection {
  std::string section;  // "advertisement" or, per language, "advertisement.ko"
  size_t clean = 0;
  size_t positives = 0;
  // Nullopt: no positives to tune on; the section keeps its thresholds.
  std::optional<moderation::ClassifierThresholds> thresholds;
};

// The sections for model `model` from `scores`: first the model's own over
// every comment (left out when there is no clean comment), then one per
// language, in name order, that has at least `min_language_clean` clean
// comments. Comments without a language count only in the first. The first
// serves the languages too small to tune on, so its thresholds are raised to
// the highest of the languages' (the most careful).
std::vector<TunedSection> TuneSections(std::string_view model,
                                       const std::vector<ScoredComment>& scores,
                                       size_t min_language_clean = kMinTuningComments);

}  // namespace commentd::training
