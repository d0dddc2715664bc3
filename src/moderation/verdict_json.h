// The JSON form of a Verdict, shared by the CLI (`check --json`, `moderate`)
// and the HTTP API so that both speak the same shape:
//   {"decision": "delete", "reasons": [{"rule", "start", "end", "match",
//    "detail", "action", "score"}], "scores": {...}, "policy_version": "..."}
#pragma once

#include <nlohmann/json.hpp>

#include "moderation/verdict.h"

namespace commentd::moderation {

nlohmann::json ReasonToJson(const Reason& reason);
nlohmann::json VerdictToJson(const Verdict& verdict);

}  // namespace commentd::moderation
