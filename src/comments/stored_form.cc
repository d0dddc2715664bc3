#include "comments/stored_form.h"

#include <nlohmann/json.hpp>

#include "moderation/verdict_json.h"

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
  // Replace rather than throw on text that is not UTF-8: the service only
  // stores validated text, and a store must never throw.
  return moderation::ReasonsToJson(reasons).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace);
}

base::Result<std::vector<moderation::Reason>> ReasonsFromJson(std::string_view text) {
  const nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (array.is_discarded()) return base::InternalError("corrupt reasons column: not JSON");
  auto reasons = moderation::ReasonsFromJson(array);
  if (!reasons.ok()) {
    return base::InternalError("corrupt reasons column: {}", reasons.status().message());
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
