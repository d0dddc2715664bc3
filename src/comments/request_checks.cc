#include "comments/request_checks.h"

#include "text/utf8.h"

namespace commentd::comments {

std::string_view TrimAsciiSpace(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

base::Status ValidateUtf8Field(std::string_view value, std::string_view field) {
  return text::ValidateUtf8(value).WithContext(field);
}

base::Status ValidateLimit(int limit, int max) {
  if (limit < 1 || limit > max) {
    return base::InvalidArgumentError("limit: must be between 1 and {}, got {}", max, limit);
  }
  return base::OkStatus();
}

base::Status ValidateReason(std::string_view reason, size_t max_bytes) {
  if (reason.size() > max_bytes) {
    return base::InvalidArgumentError("reason: {} bytes long, at most {} allowed", reason.size(),
                                      max_bytes);
  }
  return ValidateUtf8Field(reason, "reason");
}

base::Result<std::optional<Cursor>> DecodeAfter(std::string_view after) {
  if (after.empty()) return std::optional<Cursor>();
  COMMENTD_ASSIGN_OR_RETURN(Cursor cursor, Cursor::Decode(after, "after"));
  return std::optional<Cursor>(cursor);
}

}  // namespace commentd::comments
