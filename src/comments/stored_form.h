// How a Comment's structured fields are written in a store's columns. Every
// backend uses these, so the bytes are the same in SQLite and PostgreSQL and
// `commentd migrate` can copy and verify columns as they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "comments/comment.h"
#include "moderation/verdict.h"

namespace commentd::comments {

// "engine", "author", "moderator".
std::string_view DecidedByColumn(DecidedBy d);
// kInternal naming the value when a column holds something else.
base::Result<DecidedBy> ParseDecidedBy(std::string_view s);

// The reasons column: moderation::ReasonsToJson (the one Reason codec, also
// the API's and the CLI's) as text. Rows written before that codec name the
// span's start "begin"; the codec reads both, so those rows need no migration.
std::string ReasonsToJson(const std::vector<moderation::Reason>& reasons);
// kInternal naming the entry and field when the column is not such an array.
base::Result<std::vector<moderation::Reason>> ReasonsFromJson(std::string_view text);

// Whether a reason of `rule` changed the decision (mild words the policy
// publishes do not count in the statistics).
bool RuleDecided(const std::vector<moderation::Reason>& reasons, moderation::Rule rule);

}  // namespace commentd::comments
