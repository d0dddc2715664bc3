// Verdict: what the moderation engine decided about one comment, and why.
// A deleted comment is a successful Verdict, not an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/span.h"

namespace commentd::moderation {

enum class Decision { kPublish, kHold, kDelete };

// The three rules of the publisher, plus the engine's own "unreadable_text".
enum class Rule { kLink, kAdvertisement, kInappropriateLanguage, kUnreadableText };

std::string_view DecisionName(Decision d);  // "publish", "hold", "delete"
std::string_view RuleName(Rule r);          // "link", "advertisement", ...
base::Result<Decision> ParseDecision(std::string_view name);
base::Result<Rule> ParseRule(std::string_view name);

// One finding: which rule, where (byte offsets into the original UTF-8), the
// text found there, and a detail ("bare_domain", "profanity/strong", ...).
struct Reason {
  Rule rule = Rule::kLink;
  text::Span span;
  std::string match;
  std::string detail;
  Decision action = Decision::kPublish;  // what the policy does with this reason
  double score = 1.0;                    // 1 for exact rule hits; a probability for classifiers
};

struct Scores {
  double link = 0;
  double advertisement = 0;
  double inappropriate_language = 0;
};

struct Verdict {
  Decision decision = Decision::kPublish;
  std::vector<Reason> reasons;  // ordered by span
  Scores scores;
  std::string policy_version;
};

}  // namespace commentd::moderation
