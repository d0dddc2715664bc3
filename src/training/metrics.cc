#include "training/metrics.h"

namespace commentd::training {

using moderation::Decision;

double Ratio(double a, double b) { return b == 0 ? 0 : a / b; }

void DecisionCounts::Add(bool positive, Decision decision) {
  const bool flagged = decision != Decision::kPublish;
  if (positive) {
    flagged ? ++tp : ++fn;
  } else {
    flagged ? ++fp : ++tn;
    if (decision == Decision::kDelete) ++clean_deleted;
    if (decision == Decision::kHold) ++clean_held;
  }
}

void DecisionCounts::Merge(const DecisionCounts& other) {
  tp += other.tp, fp += other.fp, fn += other.fn, tn += other.tn;
  clean_deleted += other.clean_deleted, clean_held += other.clean_held;
  seconds += other.seconds;
}

double DecisionCounts::Precision() const { return Ratio(tp, tp + fp); }
double DecisionCounts::Recall() const { return Ratio(tp, tp + fn); }

double DecisionCounts::F1() const {
  const double p = Precision();
  const double r = Recall();
  return Ratio(2 * p * r, p + r);
}

double DecisionCounts::CleanDeletedShare() const { return Ratio(clean_deleted, clean()); }
double DecisionCounts::CleanHeldShare() const { return Ratio(clean_held, clean()); }

std::optional<double> DecisionCounts::TextsPerSecond() const {
  if (seconds <= 0) return std::nullopt;
  return static_cast<double>(n()) / seconds;
}

}  // namespace commentd::training
