#include "training/tuner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "moderation/moderator.h"

namespace commentd::training {

using moderation::Decision;

double ThresholdFor(std::vector<double> probabilities, size_t budget) {
  if (budget >= probabilities.size()) return 0.0;
  std::sort(probabilities.begin(), probabilities.end(), std::greater<>());
  return std::nextafter(probabilities[budget], 2.0);
}

size_t Allowed(size_t n, double percent) {
  // The epsilon keeps 200 comments at 0.5% at exactly one.
  return static_cast<size_t>(static_cast<double>(n) * percent / 100.0 + 1e-9);
}

Decision CombinedDecision(Decision rules, double probability,
                          const moderation::ClassifierThresholds& t) {
  return moderation::Calibrate(probability, t, Decision::kDelete, rules).combined;
}

namespace {

double F1(size_t tp, size_t fp, size_t fn) {
  return tp == 0 ? 0 : 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn);
}

// Counts of the combined decision over `scored` at thresholds `t`.
struct Outcome {
  size_t clean_deleted = 0, clean_held = 0;
  size_t tp_flagged = 0, fp_flagged = 0, fn_flagged = 0;
  size_t tp_deleted = 0, fp_deleted = 0, fn_deleted = 0;
};

Outcome Simulate(const std::vector<const ScoredComment*>& scored,
                 const moderation::ClassifierThresholds& t) {
  Outcome o;
  for (const ScoredComment* s : scored) {
    const Decision d = CombinedDecision(s->rules, s->probability, t);
    const bool flagged = d != Decision::kPublish;
    const bool deleted = d == Decision::kDelete;
    if (s->positive) {
      flagged ? ++o.tp_flagged : ++o.fn_flagged;
      deleted ? ++o.tp_deleted : ++o.fn_deleted;
    } else {
      if (flagged) ++o.fp_flagged;
      if (deleted) ++o.fp_deleted;
      if (deleted) ++o.clean_deleted;
      if (d == Decision::kHold) ++o.clean_held;
    }
  }
  return o;
}

// Thresholds from the highest down: 1, then every positive's probability
// at or above `floor` (below 1), and `floor` itself.
std::vector<double> Candidates(const std::vector<const ScoredComment*>& scored, double floor) {
  std::vector<double> candidates = {1.0, floor};
  for (const ScoredComment* s : scored) {
    if (s->positive && s->probability >= floor && s->probability < 1.0) {
      candidates.push_back(s->probability);
    }
  }
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates;
}

}  // namespace

std::optional<moderation::ClassifierThresholds> Tune(
    const std::vector<const ScoredComment*>& scored) {
  size_t clean = 0, positives = 0;
  for (const ScoredComment* c : scored) c->positive ? ++positives : ++clean;
  if (positives == 0 || clean == 0) return std::nullopt;
  // When the rules alone delete more than the budget (a lexicon matter,
  // not the model's), the model may still add no deletion of its own, but
  // it may hold.
  size_t rules_deleted = 0;
  for (const ScoredComment* c : scored) {
    if (!c->positive && c->rules == Decision::kDelete) ++rules_deleted;
  }
  const size_t delete_allowed = std::max(Allowed(clean, kCleanDeletedPercent), rules_deleted);
  const size_t held_allowed = Allowed(clean, kCleanHeldPercent);

  // For a hold threshold h, the lowest delete threshold that keeps deletions
  // in budget: the rules' deletions and the rules' holds the model confirms
  // (p >= h) come first; the clean comments the rules publish get the rest.
  auto lowest_delete = [&](double h) -> std::optional<double> {
    size_t fixed = 0;
    std::vector<double> published;
    for (const ScoredComment* c : scored) {
      if (c->positive) continue;
      if (c->rules == Decision::kDelete || (c->rules == Decision::kHold && c->probability >= h)) {
        ++fixed;
      } else if (c->rules == Decision::kPublish) {
        published.push_back(c->probability);
      }
    }
    if (fixed > delete_allowed) return std::nullopt;
    return std::max(h, std::min(1.0, ThresholdFor(std::move(published), delete_allowed - fixed)));
  };
  auto in_budget = [&](const Outcome& o) {
    return o.clean_deleted <= delete_allowed && o.clean_held <= held_allowed;
  };

  moderation::ClassifierThresholds best;  // 1 / 1: the model never acts
  double best_f1 = -1;
  for (double h : Candidates(scored, 0.0)) {
    const std::optional<double> d = lowest_delete(h);
    if (!d.has_value()) continue;
    const Outcome o = Simulate(scored, {.delete_threshold = *d, .hold_threshold = h});
    if (!in_budget(o)) continue;
    const double f1 = F1(o.tp_flagged, o.fp_flagged, o.fn_flagged);
    if (f1 > best_f1) {  // candidates descend: a tie keeps the higher one
      best_f1 = f1;
      best = {.delete_threshold = *d, .hold_threshold = h};
    }
  }
  if (best_f1 < 0) return moderation::ClassifierThresholds{};
  const double h = best.hold_threshold;
  double best_delete_f1 = -1;
  for (double d : Candidates(scored, best.delete_threshold)) {
    const Outcome o = Simulate(scored, {.delete_threshold = d, .hold_threshold = h});
    if (!in_budget(o)) continue;
    const double f1 = F1(o.tp_deleted, o.fp_deleted, o.fn_deleted);
    if (f1 > best_delete_f1) {
      best_delete_f1 = f1;
      best.delete_threshold = d;
    }
  }
  return best;
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
  // The section's thresholds serve the languages too small to tune on
  // (Japanese): a model barely trained on a language is not calibrated there,
  // so they get the most careful thresholds of the languages that were tuned.
  if (!sections.empty() && sections.front().thresholds.has_value()) {
    moderation::ClassifierThresholds& careful = *sections.front().thresholds;
    for (size_t i = 1; i < sections.size(); ++i) {
      if (!sections[i].thresholds.has_value()) continue;
      careful.delete_threshold =
          std::max(careful.delete_threshold, sections[i].thresholds->delete_threshold);
      careful.hold_threshold =
          std::max(careful.hold_threshold, sections[i].thresholds->hold_threshold);
    }
  }
  return sections;
}

}  // namespace commentd::training
