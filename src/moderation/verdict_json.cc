#include "moderation/verdict_json.h"

namespace commentd::moderation {

nlohmann::json ReasonToJson(const Reason& reason) {
  return {
      {"rule", RuleName(reason.rule)}, {"start", reason.span.begin},
      {"end", reason.span.end},        {"match", reason.match},
      {"detail", reason.detail},       {"action", DecisionName(reason.action)},
      {"score", reason.score},
  };
}

nlohmann::json VerdictToJson(const Verdict& verdict) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const Reason& r : verdict.reasons) reasons.push_back(ReasonToJson(r));
  return {
      {"decision", DecisionName(verdict.decision)},
      {"reasons", std::move(reasons)},
      {"scores",
       {{"link", verdict.scores.link},
        {"advertisement", verdict.scores.advertisement},
        {"inappropriate_language", verdict.scores.inappropriate_language}}},
      {"policy_version", verdict.policy_version},
  };
}

}  // namespace commentd::moderation
