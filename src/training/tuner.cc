#include "training/tuner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace commentd::training {

using moderation::Decision;

double ThresholdFor(std::vector<double> probabilities, size_t budget) {
  if (budget >= probabilities.size()) return 0.0;
  std::sort(probabilities.begin(), probabilities.end(), std::greater<>());
  return std::nextafter(probabilities[budget], 2.0);
}

double BestThreshold(const std::vector<const ScoredComment*>& scored, double floor,
                     const std::function<bool(Decision)>& flagged) {
  double best_t = floor;
  double best_f1 = -1;
  std::vector<double> candidates = {floor};
  for (const ScoredComment* s : scored) {
    if (s->positive && s->probability >= floor) candidates.push_back(s->probability);
  }
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (double t : candidates) {
    size_t tp = 0, fp = 0, fn = 0;
    for (const ScoredComment* s : scored) {
      const bool hit = flagged(s->rules) || s->probability >= t;
      if (s->positive) {
        hit ? ++tp : ++fn;
      } else if (hit) {
        ++fp;
      }
    }
    const double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    if (f1 > best_f1) {  // candidates descend: a tie keeps the higher one
      best_f1 = f1;
      best_t = t;
    }
  }
  return best_t;
}

std::optional<moderation::ClassifierThresholds> Tune(
    const std::vector<const ScoredComment*>& scored) {
  size_t n = 0, positives = 0, rules_deleted = 0, rules_flagged = 0;
  std::vector<double> not_deleted, not_flagged;
  for (const ScoredComment* c : scored) {
    if (c->positive) {
      ++positives;
      continue;
    }
    ++n;
    if (c->rules == Decision::kDelete) ++rules_deleted;
    if (c->rules != Decision::kPublish) ++rules_flagged;
    if (c->rules != Decision::kDelete) not_deleted.push_back(c->probability);
    if (c->rules == Decision::kPublish) not_flagged.push_back(c->probability);
  }
  if (positives == 0 || n == 0) return std::nullopt;
  // What the rules delete (flag) uses the budget first and sets the lowest
  // threshold the model may have.
  const size_t delete_allowed = n * kCleanDeletedPercent / 100;
  const size_t flag_allowed = n * kCleanFlaggedPercent / 100;
  const size_t delete_budget = delete_allowed > rules_deleted ? delete_allowed - rules_deleted : 0;
  const size_t flag_budget = flag_allowed > rules_flagged ? flag_allowed - rules_flagged : 0;
  const double delete_floor = std::min(1.0, ThresholdFor(not_deleted, delete_budget));
  const double hold_floor = std::min(delete_floor, ThresholdFor(not_flagged, flag_budget));
  moderation::ClassifierThresholds t;
  t.delete_threshold =
      BestThreshold(scored, delete_floor, [](Decision d) { return d == Decision::kDelete; });
  t.hold_threshold = std::min(t.delete_threshold, BestThreshold(scored, hold_floor, [](Decision d) {
                                return d != Decision::kPublish;
                              }));
  return t;
}

namespace {

// The section over `scored`, or nullopt when it has fewer than `min_clean`
// clean comments (then it is not tuned at all).
std::optional<TunedSection> TuneSection(std::string section,
                                        const std::vector<const ScoredComment*>& scored,
                                        size_t min_clean) {
  TunedSection out;
  out.positives = static_cast<size_t>(std::count_if(
      scored.begin(), scored.end(), [](const ScoredComment* s) { return s->positive; }));
  out.clean = scored.size() - out.positives;
  if (out.clean < min_clean) return std::nullopt;
  out.section = std::move(section);
  out.thresholds = Tune(scored);
  return out;
}

}  // namespace

std::vector<TunedSection> TuneSections(std::string_view model,
                                       const std::vector<ScoredComment>& scores,
                                       size_t min_language_clean) {
  std::vector<const ScoredComment*> all;
  std::map<std::string_view, std::vector<const ScoredComment*>> by_language;
  for (const ScoredComment& c : scores) {
    all.push_back(&c);
    if (!c.language.empty()) by_language[c.language].push_back(&c);
  }
  std::vector<TunedSection> sections;
  if (auto whole = TuneSection(std::string(model), all, 1)) sections.push_back(std::move(*whole));
  for (const auto& [language, scored] : by_language) {
    auto section = TuneSection(fmt::format("{}.{}", model, language), scored, min_language_clean);
    if (section) sections.push_back(std::move(*section));
  }
  return sections;
}

}  // namespace commentd::training
