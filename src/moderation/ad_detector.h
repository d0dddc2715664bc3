// AdDetector: rule signals that a comment is an advertisement or spam, in
// English, Korean, Chinese and Japanese, combined into one score.
//
// Signals: contact channels (Telegram, WhatsApp, WeChat/微信, QQ, KakaoTalk/
// 카톡, LINE/라인 IDs, "DM me", "check my bio", プロフ見て, e-mail),
// phone numbers, offers in categories (income claims, promo codes, crypto
// signals, loans, gambling, pharma, replicas, dating, followers/SEO, job
// and visa brokers, giveaways), repeated characters and shouting. Each
// signal has a weight; the score is their capped sum, a contact channel
// plus an offer reaches 1.0 (contact x offer), and the policy's thresholds
// turn the score into a decision.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/normalizer.h"
#include "text/span.h"

namespace commentd::moderation {

struct AdSignal {
  text::Span span;    // in the original text
  std::string kind;   // "contact_handle", "phone_number", "money_call", "spam_keyword",
                      // "repetition", "shouting"; a per-language table's category
                      // ("offer:loan", "contact:messenger"); "contact_x_offer" for
                      // the top-up of a contact plus an offer
  std::string match;  // the original text of the span
  double weight = 0;  // what this finding added to the score; 0 for a repeat of an
                      // earlier finding or once its kind reached its cap
};

struct AdAssessment {
  // Sum of the signals' weights. One finding weighs 0.2 (weak), 0.35, 0.5
  // (strong) or 0.6 (self-promotion); the same finding twice counts once and
  // each kind is capped (contact_handle and money_call 1.0, spam_keyword 0.8,
  // phone_number 0.5, repetition and shouting 0.2). So one signal alone stays
  // under the default hold threshold (0.6) unless it is self-promotion, a
  // lure plus a way to reach the seller reaches the delete threshold (1.0),
  // and keywords or phone numbers alone can at most have a comment held.
  // The per-language tables' offers are capped at 0.8 and contacts at 0.5;
  // a contact (strong) with an offer (medium or more), or a contact (medium)
  // with a strong offer, is topped up to 1.0 by a contact_x_offer signal.
  double score = 0;
  std::vector<AdSignal> signals;  // ordered by span
};

// Finds the signals with three scanners and combines them into one score:
// the phrase and pattern tables of lexicons/ads/*.tsv (ads::AdPatterns:
// phrases over the lexical view, regexes over the folded view, in Vectorscan
// databases built once), phone numbers (ads::ScanPhones) and repetition
// (ads::ScanRepetition) over the folded view, and shouting over the
// original. Immutable after Create; scan scratch space is pooled behind a
// mutex. Thread-safe.
class AdDetector {
 public:
  // Parses and compiles the built-in pattern tables (lexicons/ads/*.tsv,
  // embedded at build time); phrases pass through `normalizer.LexicalString`
  // so they match evasions the way comments are normalized. `normalizer` is
  // used only during Create. Fails (kInvalidArgument) when a table does not
  // parse, naming its file and line, and (kInternal) when Vectorscan rejects
  // a pattern or cannot allocate scratch space.
  static base::Result<AdDetector> Create(const text::Normalizer& normalizer);

  AdDetector(AdDetector&&) noexcept;
  AdDetector& operator=(AdDetector&&) noexcept;
  ~AdDetector();

  // `original` is the writer's text, `folded` and `lexical` its views as
  // built by the same Normalizer (Fold(original), Lexical(folded)); every
  // span points into `original`. Never fails. Budget: 2 µs for a 200-byte
  // comment.
  AdAssessment Assess(std::string_view original, const text::NormalizedText& folded,
                      const text::NormalizedText& lexical) const;

 private:
  struct State;
  explicit AdDetector(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace commentd::moderation
