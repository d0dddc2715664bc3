// Tuner: the classifier thresholds `commentd eval --tune` proposes for the
// policy. Per model (and per language with enough comments) it keeps the
// combined policy at or under 1% of clean comments deleted and 4% flagged
// (deleted or held: 1% deleted + 3% held), counting what the rules already
// delete or hold against that budget first; above the lowest thresholds the
// budget allows, it picks the ones with the best F1, so a model that catches
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

// The budget, in percent of the clean comments.
inline constexpr size_t kCleanDeletedPercent = 1;
inline constexpr size_t kCleanFlaggedPercent = 4;

// Fewer clean comments than this in a language tell too little for its own
// thresholds.
inline constexpr size_t kMinTuningComments = 300;

// The smallest threshold that at most `budget` of `probabilities` reach: just
// above the budget-th largest, so tied probabilities there all stay below.
// 0 when the budget covers them all (also when there are none). fastText's
// probabilities crowd near 0 and 1, so no fixed grid is used.
double ThresholdFor(std::vector<double> probabilities, size_t budget);

// The threshold in [floor, 1] at which "the rules flag it (`flagged` of its
// rules decision) or the probability reaches the threshold" has the best F1
// on `scored`; ties go to the higher threshold. Candidates are `floor` and
// every positive's probability at or above it.
double BestThreshold(const std::vector<const ScoredComment*>& scored, double floor,
                     const std::function<bool(moderation::Decision)>& flagged);

// The delete and hold thresholds for one model on `scored` (hold <= delete).
// Nullopt when `scored` has no positives or no clean comments to tune on.
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
// comments. Comments without a language count only in the first.
std::vector<TunedSection> TuneSections(std::string_view model,
                                       const std::vector<ScoredComment>& scores,
                                       size_t min_language_clean = kMinTuningComments);

}  // namespace commentd::training
