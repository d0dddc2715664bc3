#include "moderation/verdict.h"

namespace commentd::moderation {

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kPublish:
      return "publish";
    case Decision::kHold:
      return "hold";
    case Decision::kDelete:
      return "delete";
  }
  return "publish";
}

std::string_view RuleName(Rule r) {
  switch (r) {
    case Rule::kLink:
      return "link";
    case Rule::kAdvertisement:
      return "advertisement";
    case Rule::kInappropriateLanguage:
      return "inappropriate_language";
    case Rule::kUnreadableText:
      return "unreadable_text";
  }
  return "link";
}

base::Result<Decision> ParseDecision(std::string_view name) {
  for (Decision d : {Decision::kPublish, Decision::kHold, Decision::kDelete}) {
    if (DecisionName(d) == name) return d;
  }
  // "allow" is how a publisher says "publish" in a policy file.
  if (name == "allow") return Decision::kPublish;
  return base::InvalidArgumentError("'{}' is not a decision (delete, hold or allow)", name);
}

base::Result<Rule> ParseRule(std::string_view name) {
  for (Rule r :
       {Rule::kLink, Rule::kAdvertisement, Rule::kInappropriateLanguage, Rule::kUnreadableText}) {
    if (RuleName(r) == name) return r;
  }
  return base::InvalidArgumentError(
      "'{}' is not a rule (link, advertisement, inappropriate_language)", name);
}

}  // namespace commentd::moderation
