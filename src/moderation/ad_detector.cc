#include "moderation/ad_detector.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#include "moderation/ad_kinds.h"
#include "moderation/ad_patterns.h"
#include "moderation/ad_phone_scanner.h"
#include "moderation/ad_repetition_scanner.h"

namespace commentd::moderation {
namespace {

using ads::Candidate;
using ads::Kind;
using ads::kKindCaps;
using ads::kKindNames;
using ads::kWeak;

// ---------------------------------------------------------------------------
// Shouting, on the original text (the views are case-folded): the whole
// comment, if it has at least 20 Latin letters and more than 70% of them
// are capitals; otherwise the longest run of all-capital words with 20
// capitals or more ("... BUY NOW LIMITED OFFER FOR EVERYONE").

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

void ScanShouting(std::string_view original, std::vector<Candidate>* out) {
  // Both rules need 15 capitals (more than 70% of 20 letters); most comments
  // have fewer, and counting them is a vectorized loop.
  size_t capitals = 0;
  for (char ch : original) capitals += static_cast<unsigned char>(ch - 'A') < 26;
  if (capitals < 15) return;
  size_t letters = 0, upper = 0;
  size_t first = std::string_view::npos, last = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    const char ch = original[i];
    if (IsUpper(ch) || IsLower(ch)) {
      ++letters;
      upper += IsUpper(ch);
      if (first == std::string_view::npos) first = i;
      last = i + 1;
    }
  }
  if (letters >= 20 && upper * 10 > letters * 7) {
    out->push_back(
        Candidate{Kind::kShouting, kWeak, 1,
                  text::Span{static_cast<uint32_t>(first), static_cast<uint32_t>(last)}});
    return;
  }
  // Runs of capital words; one-letter words ("A", "I") neither start nor
  // break a run, a word with a lower-case letter breaks it.
  size_t best_begin = 0, best_end = 0, best_count = 0;
  size_t run_begin = 0, run_end = 0, run_count = 0;
  size_t i = 0;
  while (i < original.size()) {
    if (!IsUpper(original[i]) && !IsLower(original[i])) {
      ++i;
      continue;
    }
    const size_t w = i;
    size_t caps = 0;
    bool lower = false;
    while (i < original.size() && (IsUpper(original[i]) || IsLower(original[i]))) {
      caps += IsUpper(original[i]);
      lower |= IsLower(original[i]);
      ++i;
    }
    if (lower) {
      run_count = 0;
    } else if (i - w >= 2) {
      if (run_count == 0) run_begin = w;
      run_end = i;
      run_count += caps;
      if (run_count > best_count) {
        best_count = run_count;
        best_begin = run_begin;
        best_end = run_end;
      }
    }
  }
  if (best_count >= 20) {
    out->push_back(
        Candidate{Kind::kShouting, kWeak, 1,
                  text::Span{static_cast<uint32_t>(best_begin), static_cast<uint32_t>(best_end)}});
  }
}

}  // namespace

struct AdDetector::State {
  ads::AdPatterns patterns;
};

base::Result<AdDetector> AdDetector::Create(const text::Normalizer& normalizer) {
  COMMENTD_ASSIGN_OR_RETURN(std::vector<ads::AdPattern> specs, ads::BuiltinAdPatterns());
  COMMENTD_ASSIGN_OR_RETURN(ads::AdPatterns patterns, ads::AdPatterns::Create(specs, normalizer));
  return AdDetector(std::make_unique<State>(State{std::move(patterns)}));
}

AdDetector::AdDetector(std::unique_ptr<State> state) : state_(std::move(state)) {}
AdDetector::AdDetector(AdDetector&&) noexcept = default;
AdDetector& AdDetector::operator=(AdDetector&&) noexcept = default;
AdDetector::~AdDetector() = default;

AdAssessment AdDetector::Assess(std::string_view original, const text::NormalizedText& folded,
                                const text::NormalizedText& lexical) const {
  std::vector<Candidate> candidates;

  state_->patterns.Scan(folded, lexical, &candidates);

  ads::ScanPhones(folded.text(), &candidates, folded);
  ads::ScanRepetition(folded, &candidates);
  ScanShouting(original, &candidates);

  // Within a family (ad_kinds.h: contacts, phones, offers, style): the
  // strongest (then longest) of overlapping findings wins, a key seen before
  // counts 0, and each kind's total is capped.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    const ads::Family fa = ads::FamilyOf(a.kind), fb = ads::FamilyOf(b.kind);
    if (fa != fb) return fa < fb;
    if (a.weight != b.weight) return a.weight > b.weight;
    if (a.span.size() != b.span.size()) return a.span.size() > b.span.size();
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.kind < b.kind;
  });
  AdAssessment result;
  std::vector<const Candidate*> accepted;
  std::vector<uint64_t> seen_keys;
  std::array<double, ads::kKindCount> totals{};
  // The strongest contact and offer found (their own weight, before caps
  // and repeats), for the contact x offer rule below.
  double contact = 0, offer = 0;
  bool phone = false;
  const Candidate* offer_finding = nullptr;
  size_t k = 0;
  while (k < candidates.size()) {
    const ads::Family family = ads::FamilyOf(candidates[k].kind);
    accepted.clear();
    seen_keys.clear();
    for (; k < candidates.size() && ads::FamilyOf(candidates[k].kind) == family; ++k) {
      const Candidate& c = candidates[k];
      // The older tables' kinds overlap each other as before (a money call
      // around a keyword counts both); a language table's entry competes
      // with every finding of its family, so a phrase listed in both an
      // older table and a language table counts once.
      const bool overlaps = std::any_of(accepted.begin(), accepted.end(), [&](const Candidate* a) {
        return a->span.Overlaps(c.span) &&
               (a->kind == c.kind || ads::IsTableKind(a->kind) || ads::IsTableKind(c.kind));
      });
      if (overlaps) continue;
      accepted.push_back(&c);
      const size_t kind = static_cast<size_t>(c.kind);
      double weight = 0;
      // Keys are per scanner; one scanner's keys never meet another's
      // (pattern keys, including the weak offers' shared one, span kinds).
      const uint64_t key = family == ads::Family::kOffer || family == ads::Family::kContact
                               ? c.key
                               : c.key * ads::kKindCount + kind;
      if (std::find(seen_keys.begin(), seen_keys.end(), key) == seen_keys.end()) {
        seen_keys.push_back(key);
        weight = std::min(c.weight, kKindCaps[kind] - totals[kind]);
        weight = std::max(0.0, std::round(weight * 1e6) / 1e6);
        totals[kind] += weight;
      }
      if (family == ads::Family::kContact) contact = std::max(contact, c.weight);
      if (family == ads::Family::kPhone) phone = true;
      if (family == ads::Family::kOffer && c.weight > offer) {
        offer = c.weight;
        offer_finding = &c;
      }
      AdSignal signal;
      signal.span = c.span;
      signal.kind = std::string(c.label.empty() ? kKindNames[kind] : c.label);
      signal.match = std::string(original.substr(c.span.begin, c.span.size()));
      signal.weight = weight;
      result.signals.push_back(std::move(signal));
      result.score += weight;
    }
  }
  // Contact x offer: a way to reach the writer plus something to sell.
  // Weak offers are everyday news words and never combine; a phone number
  // may be a hotline, so it combines only with a strong offer (which already
  // sums to 1.0).
  const bool combines = (contact >= ads::kStrong && offer >= ads::kMedium) ||
                        (contact >= ads::kMedium && offer >= ads::kStrong) ||
                        (phone && offer >= ads::kStrong);
  if (combines && offer_finding != nullptr && result.score < 1.0) {
    AdSignal signal;
    signal.span = offer_finding->span;
    signal.kind = std::string(kKindNames[static_cast<size_t>(Kind::kContactTimesOffer)]);
    signal.match =
        std::string(original.substr(offer_finding->span.begin, offer_finding->span.size()));
    signal.weight = std::round((1.0 - result.score) * 1e6) / 1e6;
    result.score += signal.weight;
    result.signals.push_back(std::move(signal));
  }
  result.score = std::round(result.score * 1e6) / 1e6;
  std::sort(result.signals.begin(), result.signals.end(), [](const AdSignal& a, const AdSignal& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.kind < b.kind;
  });
  return result;
}

}  // namespace commentd::moderation
