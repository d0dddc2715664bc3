#include "http/json_codec.h"

#include <chrono>

#include "moderation/verdict_json.h"

namespace commentd::http {
namespace {

using nlohmann::json;

std::string_view TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

json OptionalTime(const std::optional<base::Time>& t) {
  return t ? json(base::FormatRfc3339(*t)) : json(nullptr);
}

json OptionalString(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// nlohmann's parser recurses once per nesting level, so 100,000 '[' would
// overflow a worker's stack before any error is reported. No request of the
// API nests deeper than 3; this scan (strings skipped, escapes honoured)
// refuses deeper bodies before the parser sees them. Returns the byte offset
// of the first bracket past the limit, or npos.
size_t FindTooDeep(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

base::Result<json> ParseObject(std::string_view body) {
  if (body.empty())
    return base::InvalidArgumentError("request body is empty; expected a JSON object");
  // nlohmann reports malformed input (also invalid UTF-8 in strings) by
  // exception; this is the adapter edge where it becomes a Status.
  if (const size_t at = FindTooDeep(body, kMaxJsonDepth); at != std::string_view::npos) {
    return base::InvalidArgumentError("request body nests JSON deeper than {} levels (at byte {})",
                                      kMaxJsonDepth, at);
  }
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    return base::InvalidArgumentError("request body is not valid JSON at byte {}: {}", e.byte,
                                      e.what());
  } catch (const std::exception& e) {
    return base::InvalidArgumentError("request body is not valid JSON: {}", e.what());
  }
  if (!j.is_object()) {
    return base::InvalidArgumentError("request body must be a JSON object, got {}", TypeName(j));
  }
  return j;
}

base::Result<std::string> RequiredString(const json& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end()) return base::InvalidArgumentError("field '{}' is required", field);
  if (!it->is_string()) {
    return base::InvalidArgumentError("field '{}' must be a string, got {}", field, TypeName(*it));
  }
  return it->get<std::string>();
}

base::Result<std::optional<std::string>> OptionalString(const json& object,
                                                        std::string_view field) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return base::InvalidArgumentError("field '{}' must be a string, got {}", field, TypeName(*it));
  }
  return std::optional<std::string>(it->get<std::string>());
}

base::Result<std::vector<std::string>> RequiredStringArray(const json& object,
                                                           std::string_view field) {
  auto it = object.find(field);
  if (it == object.end()) return base::InvalidArgumentError("field '{}' is required", field);
  if (!it->is_array()) {
    return base::InvalidArgumentError("field '{}' must be an array of strings, got {}", field,
                                      TypeName(*it));
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    if (!e.is_string()) {
      return base::InvalidArgumentError("field '{}[{}]' must be a string, got {}", field, i,
                                        TypeName(e));
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

base::Result<std::map<std::string, int64_t>> OptionalRevisions(const json& object,
                                                               std::string_view field) {
  std::map<std::string, int64_t> out;
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) {
    return base::InvalidArgumentError(
        "field '{}' must be an object of comment id to revision number, got {}", field,
        TypeName(*it));
  }
  for (const auto& [id, value] : it->items()) {
    // 2^53: beyond it a JSON number is not exact in every client.
    constexpr uint64_t kMax = uint64_t{1} << 53;
    uint64_t n = 0;
    if (value.is_number_unsigned()) {
      n = value.get<uint64_t>();
    } else if (value.is_number_integer() && value.get<int64_t>() > 0) {
      n = static_cast<uint64_t>(value.get<int64_t>());
    }
    if (n < 1 || n > kMax) {
      return base::InvalidArgumentError(
          "field '{}.{}' must be a revision number (1 or more), got {}", field, id.substr(0, 64),
          value.is_number() ? value.dump() : std::string(TypeName(value)));
    }
    out[id] = static_cast<int64_t>(n);
  }
  return out;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json ThreadNodeToJson(const comments::ThreadNode& node) {
  json replies = json::array();
  for (const auto& r : node.replies) replies.push_back(ThreadNodeToJson(r));
  return {{"id", node.id},
          {"parent_id", OptionalString(node.parent_id)},
          {"author", node.author},
          {"text", node.text},
          {"created_at", base::FormatRfc3339(node.created_at)},
          {"edited_at", OptionalTime(node.edited_at)},
          {"state", node.removed ? "removed" : "published"},
          {"replies", std::move(replies)},
          {"reply_count", node.reply_count},
          {"replies_cursor", OptionalString(node.replies_cursor)}};
}

json PublishedCommentToJson(const comments::Comment& c) {
  return {{"id", c.id},
          {"parent_id", OptionalString(c.parent_id)},
          {"author", c.author.name},
          {"text", c.text},
          {"created_at", base::FormatRfc3339(c.created_at)},
          {"edited_at", OptionalTime(c.edited_at)},
          {"state", "published"},
          {"replies", json::array()},
          {"reply_count", 0},
          {"replies_cursor", nullptr}};
}

json ModCommentToJson(const comments::Comment& c) {
  return {{"id", c.id},
          {"thread", c.thread},
          {"parent_id", OptionalString(c.parent_id)},
          {"author", c.author.name},
          {"text", c.text},
          {"lang", c.lang},
          {"state", comments::CommentStateName(c.state)},
          {"created_at", base::FormatRfc3339(c.created_at)},
          {"edited_at", OptionalTime(c.edited_at)},
          {"decided_by", c.DecidedByName()},
          {"engine_decision", moderation::DecisionName(c.engine_decision)},
          {"reasons", moderation::ReasonsToJson(c.reasons)},
          {"reports", c.open_reports},
          {"revision", c.revision}};
}

json RevisionToJson(const comments::Revision& r, int64_t current) {
  return {{"revision", r.number},
          {"text", r.text},
          {"lang", r.lang},
          {"engine_decision", moderation::DecisionName(r.engine_decision)},
          {"reasons", moderation::ReasonsToJson(r.reasons)},
          {"policy_version", r.policy_version},
          {"created_at", base::FormatRfc3339(r.created_at)},
          {"became_current", r.became_current},
          {"current", r.number == current}};
}

json AuditEntryToJson(const comments::AuditEntry& e) {
  return {{"id", e.id},
          {"at", base::FormatRfc3339(e.at)},
          {"moderator", e.moderator},
          {"action", comments::AuditActionName(e.action)},
          {"comment_id", e.comment_id},
          {"author", e.author},
          {"reason", e.reason}};
}

json DayStatsToJson(const comments::DayStats& d) {
  const base::Time day_start{
      std::chrono::duration_cast<base::Time::duration>(std::chrono::seconds(d.day * 86400))};
  return {{"date", base::FormatDate(day_start)},
          {"publish", d.publish},
          {"hold", d.hold},
          {"delete", d.del},
          {"by_rule",
           {{"link", d.link},
            {"advertisement", d.advertisement},
            {"inappropriate_language", d.inappropriate_language}}}};
}

}  // namespace commentd::http
