// Metrics: what `commentd eval` counts for one system (the rules, a model, the
// combined engine) on one set of labeled comments, and the numbers it reports
// from those counts. "Flagged" is "not published": held or deleted.
#pragma once

#include <cstddef>
#include <optional>

#include "moderation/verdict.h"

namespace commentd::training {

// a / b, and 0 when b is 0: an empty cell reports 0, not NaN.
double Ratio(double a, double b);

// Counts for one (corpus or language, system) cell. Thread-compatible.
struct DecisionCounts {
  size_t tp = 0, fp = 0, fn = 0, tn = 0;
  size_t clean_deleted = 0, clean_held = 0;
  double seconds = 0;  // time the system took on these comments; 0: not timed

  // Counts one comment: `positive` is its label, `decision` the system's.
  void Add(bool positive, moderation::Decision decision);
  // Adds `other`'s counts and time to these.
  void Merge(const DecisionCounts& other);

  size_t n() const { return tp + fp + fn + tn; }
  size_t positives() const { return tp + fn; }
  size_t clean() const { return fp + tn; }
  double Precision() const;          // tp / (tp + fp); 0 when nothing was flagged
  double Recall() const;             // tp / (tp + fn); 0 when there are no positives
  double F1() const;                 // harmonic mean of Precision and Recall; 0 when both are 0
  double CleanDeletedShare() const;  // of the clean comments; 0 when there are none
  double CleanHeldShare() const;
  // Comments per second; nullopt when not timed.
  std::optional<double> TextsPerSecond() const;
};

}  // namespace commentd::training
