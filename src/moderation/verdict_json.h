// The JSON form of a Verdict and of its Reasons: the one codec that the CLI
// (`check --json`, `moderate`), the HTTP API and the stores' reasons column
// all use, so every place speaks the same shape:
//   {"decision": "delete", "reasons": [{"rule", "start", "end", "match",
//    "detail", "action", "score"}], "scores": {...}, "policy_version": "..."}
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "moderation/verdict.h"

namespace commentd::moderation {

// {"rule", "start", "end", "match", "detail", "action", "score"}; `start` and
// `end` are the span's byte offsets.
nlohmann::json ReasonToJson(const Reason& reason);
// A JSON array of ReasonToJson, in the order given.
nlohmann::json ReasonsToJson(const std::vector<Reason>& reasons);

// Reads what ReasonsToJson wrote. "begin" is read as "start": stores wrote
// that name before there was one codec, and their rows are read as they are.
// kInvalidArgument naming the entry and the field ("reasons[1].end must be a
// byte offset (a whole number from 0), got a string") for anything else.
// Never throws or aborts, whatever `reasons` holds.
base::Result<std::vector<Reason>> ReasonsFromJson(const nlohmann::json& reasons);

nlohmann::json VerdictToJson(const Verdict& verdict);

}  // namespace commentd::moderation
