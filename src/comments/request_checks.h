// Checks of request fields that more than one service applies (limits,
// cursors, reasons, UTF-8 fields), so that each is written once and every
// service words its errors the same way.
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"
#include "comments/comment.h"

namespace commentd::comments {

// `s` without leading and trailing ASCII white space.
std::string_view TrimAsciiSpace(std::string_view s);

// kInvalidArgument naming `field` when `value` is not UTF-8.
base::Status ValidateUtf8Field(std::string_view value, std::string_view field);

// kInvalidArgument unless 1 <= limit <= max ("limit: ...").
base::Status ValidateLimit(int limit, int max);

// A reader's or moderator's reason: at most `max_bytes`, UTF-8 ("reason: ...").
base::Status ValidateReason(std::string_view reason, size_t max_bytes);

// The cursor of an `after` parameter; nullopt when empty. kInvalidArgument
// naming "after" when it does not decode.
base::Result<std::optional<Cursor>> DecodeAfter(std::string_view after);

}  // namespace commentd::comments
