// The JSON codec of the HTTP API: strict readers for request bodies (an
// object, each field of the declared type, errors naming the field) and the
// writers for every response shape in docs/api.md. Request bodies are
// untrusted: nothing here throws or aborts on any input.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "comments/comment.h"
#include "comments/comment_service.h"
#include "moderation/verdict.h"
#include "moderation/verdict_json.h"

namespace commentd::http {

// Deepest nesting of arrays and objects a request body may have.
inline constexpr int kMaxJsonDepth = 32;

// A request body that must be one JSON object. kInvalidArgument naming the
// byte offset for malformed JSON (including invalid UTF-8 inside strings),
// nesting deeper than kMaxJsonDepth (refused before parsing, so hostile
// depth cannot exhaust the stack), or saying what was found instead of an
// object.
base::Result<nlohmann::json> ParseObject(std::string_view body);

// Field readers: kInvalidArgument "field 'text' must be a string" for a wrong
// type; a required field that is absent is "field 'text' is required".
base::Result<std::string> RequiredString(const nlohmann::json& object, std::string_view field);
base::Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                        std::string_view field);
base::Result<std::vector<std::string>> RequiredStringArray(const nlohmann::json& object,
                                                           std::string_view field);
// An optional object of comment id -> revision number ({"c_1": 3}): empty
// when absent or null; kInvalidArgument naming the entry for a value that
// is not a whole number from 1 up.
base::Result<std::map<std::string, int64_t>> OptionalRevisions(const nlohmann::json& object,
                                                               std::string_view field);

// Serializes with invalid UTF-8 replaced (stored text is valid; this is a
// belt for messages that quote input).
std::string Dump(const nlohmann::json& j);

// R (a reason) is written by the one Reason codec, shared with the CLI and
// the stores' reasons column.
using moderation::ReasonsToJson;
// C: a comment as readers see it (thread listing).
nlohmann::json ThreadNodeToJson(const comments::ThreadNode& node);
// C for a comment just published (no replies yet).
nlohmann::json PublishedCommentToJson(const comments::Comment& comment);
// M: a comment as the moderator queues show it.
nlohmann::json ModCommentToJson(const comments::Comment& comment);
// V: one revision of a comment's text; `current` is the comment's revision.
nlohmann::json RevisionToJson(const comments::Revision& revision, int64_t current);
nlohmann::json AuditEntryToJson(const comments::AuditEntry& entry);
nlohmann::json DayStatsToJson(const comments::DayStats& day);

}  // namespace commentd::http
