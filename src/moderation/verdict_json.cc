#include "moderation/verdict_json.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <string>

namespace commentd::moderation {
namespace {

using nlohmann::json;

// nlohmann's own names ("string", "number", ...): messages say "got a string".
std::string TypeName(const json& j) {
  const std::string_view name = j.type_name();
  if (name == "null") return "null";
  return fmt::format("{} {}", name == "array" || name == "object" ? "an" : "a", name);
}

// The field `name` of reasons[index], or an error naming both when absent.
base::Result<const json*> Field(const json& item, size_t index, std::string_view name) {
  const auto it = item.find(name);
  if (it == item.end()) return base::InvalidArgumentError("reasons[{}].{} is missing", index, name);
  return &*it;
}

base::Result<std::string> StringField(const json& item, size_t index, std::string_view name) {
  COMMENTD_ASSIGN_OR_RETURN(const json* value, Field(item, index, name));
  if (!value->is_string()) {
    return base::InvalidArgumentError("reasons[{}].{} must be a string, got {}", index, name,
                                      TypeName(*value));
  }
  return value->get<std::string>();
}

base::Result<uint32_t> OffsetField(const json& item, size_t index, std::string_view name) {
  COMMENTD_ASSIGN_OR_RETURN(const json* value, Field(item, index, name));
  // nlohmann parses a whole number from 0 as unsigned; one set in code may
  // be signed.
  const bool whole =
      value->is_number_unsigned() || (value->is_number_integer() && value->get<int64_t>() >= 0);
  if (!whole || value->get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
    return base::InvalidArgumentError(
        "reasons[{}].{} must be a byte offset (a whole number from 0), got {}", index, name,
        value->is_number() ? value->dump() : TypeName(*value));
  }
  return static_cast<uint32_t>(value->get<uint64_t>());
}

base::Result<Reason> ReasonFromJson(const json& item, size_t index) {
  if (!item.is_object()) {
    return base::InvalidArgumentError("reasons[{}] must be an object, got {}", index,
                                      TypeName(item));
  }
  Reason r;
  COMMENTD_ASSIGN_OR_RETURN(const std::string rule, StringField(item, index, "rule"));
  auto parsed_rule = ParseRule(rule);
  if (!parsed_rule.ok()) {
    return base::InvalidArgumentError("reasons[{}].rule: {}", index,
                                      parsed_rule.status().message());
  }
  r.rule = *parsed_rule;
  const bool legacy_begin = !item.contains("start") && item.contains("begin");
  COMMENTD_ASSIGN_OR_RETURN(r.span.begin,
                            OffsetField(item, index, legacy_begin ? "begin" : "start"));
  COMMENTD_ASSIGN_OR_RETURN(r.span.end, OffsetField(item, index, "end"));
  if (r.span.end < r.span.begin) {
    return base::InvalidArgumentError("reasons[{}] ends (byte {}) before it starts (byte {})",
                                      index, r.span.end, r.span.begin);
  }
  COMMENTD_ASSIGN_OR_RETURN(r.match, StringField(item, index, "match"));
  COMMENTD_ASSIGN_OR_RETURN(r.detail, StringField(item, index, "detail"));
  COMMENTD_ASSIGN_OR_RETURN(const std::string action, StringField(item, index, "action"));
  auto parsed_action = ParseDecision(action);
  if (!parsed_action.ok()) {
    return base::InvalidArgumentError("reasons[{}].action: {}", index,
                                      parsed_action.status().message());
  }
  r.action = *parsed_action;
  COMMENTD_ASSIGN_OR_RETURN(const json* score, Field(item, index, "score"));
  if (!score->is_number()) {
    return base::InvalidArgumentError("reasons[{}].score must be a number, got {}", index,
                                      TypeName(*score));
  }
  r.score = score->get<double>();
  return r;
}

}  // namespace

json ReasonToJson(const Reason& reason) {
  return {
      {"rule", RuleName(reason.rule)}, {"start", reason.span.begin},
      {"end", reason.span.end},        {"match", reason.match},
      {"detail", reason.detail},       {"action", DecisionName(reason.action)},
      {"score", reason.score},
  };
}

json ReasonsToJson(const std::vector<Reason>& reasons) {
  json out = json::array();
  for (const Reason& r : reasons) out.push_back(ReasonToJson(r));
  return out;
}

base::Result<std::vector<Reason>> ReasonsFromJson(const json& reasons) {
  if (!reasons.is_array()) {
    return base::InvalidArgumentError("reasons must be an array, got {}", TypeName(reasons));
  }
  std::vector<Reason> out;
  out.reserve(reasons.size());
  for (size_t i = 0; i < reasons.size(); ++i) {
    COMMENTD_ASSIGN_OR_RETURN(Reason r, ReasonFromJson(reasons[i], i));
    out.push_back(std::move(r));
  }
  return out;
}

json VerdictToJson(const Verdict& verdict) {
  return {
      {"decision", DecisionName(verdict.decision)},
      {"reasons", ReasonsToJson(verdict.reasons)},
      {"scores",
       {{"link", verdict.scores.link},
        {"advertisement", verdict.scores.advertisement},
        {"inappropriate_language", verdict.scores.inappropriate_language}}},
      {"policy_version", verdict.policy_version},
  };
}

}  // namespace commentd::moderation
