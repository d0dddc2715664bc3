#include "comments/stored_form.h"

#include <nlohmann/json.hpp>

namespace commentd::comments {

std::string_view DecidedByColumn(DecidedBy d) {
  switch (d) {
    case DecidedBy::kEngine:
      return "engine";
    case DecidedBy::kAuthor:
      return "author";
    case DecidedBy::kModerator:
      return "moderator";
  }
  return "engine";
}

base::Result<DecidedBy> ParseDecidedBy(std::string_view s) {
  if (s == "engine") return DecidedBy::kEngine;
  if (s == "author") return DecidedBy::kAuthor;
  if (s == "moderator") return DecidedBy::kModerator;
  return base::InternalError("corrupt decided_by column \"{}\"", s);
}

std::string ReasonsToJson(const std::vector<moderation::Reason>& reasons) {
  nlohmann::json array = nlohmann::json::array();
  for (const moderation::Reason& r : reasons) {
    array.push_back({{"rule", moderation::RuleName(r.rule)},
                     {"begin", r.span.begin},
                     {"end", r.span.end},
                     {"match", r.match},
                     {"detail", r.detail},
                     {"action", moderation::DecisionName(r.action)},
                     {"score", r.score}});
  }
  // Replace rather than throw on text that is not UTF-8: the service only
  // stores validated text, and a store must never throw.
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

base::Result<std::vector<moderation::Reason>> ReasonsFromJson(std::string_view text) {
  const nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (array.is_discarded() || !array.is_array()) {
    return base::InternalError("corrupt reasons column");
  }
  std::vector<moderation::Reason> reasons;
  try {
    for (const nlohmann::json& item : array) {
      moderation::Reason r;
      COMMENTD_ASSIGN_OR_RETURN(r.rule, moderation::ParseRule(item.at("rule").get<std::string>()));
      r.span.begin = item.at("begin").get<uint32_t>();
      r.span.end = item.at("end").get<uint32_t>();
      r.match = item.at("match").get<std::string>();
      r.detail = item.at("detail").get<std::string>();
      COMMENTD_ASSIGN_OR_RETURN(r.action,
                                moderation::ParseDecision(item.at("action").get<std::string>()));
      r.score = item.at("score").get<double>();
      reasons.push_back(std::move(r));
    }
  } catch (const std::exception& e) {
    return base::InternalError("corrupt reasons column: {}", e.what());
  }
  return reasons;
}

bool RuleDecided(const std::vector<moderation::Reason>& reasons, moderation::Rule rule) {
  for (const moderation::Reason& r : reasons) {
    if (r.rule == rule && r.action != moderation::Decision::kPublish) return true;
  }
  return false;
}

}  // namespace commentd::comments
