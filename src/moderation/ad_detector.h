// AdDetector: rule signals that a comment is an advertisement or spam, in
// English, Korean, Chinese and Japanese, combined into one score.
//
// Signals: contact handles (Telegram, WhatsApp, WeChat/微信, QQ, KakaoTalk/
// 카톡, LINE/라인 IDs), phone numbers, money-making and buying calls to
// action, casino/betting/loan/pharma/replica keywords, repeated characters
// and shouting. Each signal has a weight; the score is their capped sum, and
// the policy's thresholds turn it into a decision.
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
  text::Span span;       // in the original text
  std::string kind;      // "contact_handle", "phone_number", "money_call", "spam_keyword",
                         // "repetition", "shouting"
  std::string match;     // the original text of the span
  double weight = 0;
};

struct AdAssessment {
  double score = 0;      // sum of signal weights, capped at 1.0 per kind... see .cc
  std::vector<AdSignal> signals;
};

// Immutable after Create; Thread-safe.
class AdDetector {
 public:
  static base::Result<AdDetector> Create(const text::Normalizer& normalizer);

  AdDetector(AdDetector&&) noexcept;
  AdDetector& operator=(AdDetector&&) noexcept;
  ~AdDetector();

  // `original` is the writer's text, `folded` and `lexical` its views.
  AdAssessment Assess(std::string_view original, const text::NormalizedText& folded,
                      const text::NormalizedText& lexical) const;

 private:
  struct State;
  explicit AdDetector(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace commentd::moderation
