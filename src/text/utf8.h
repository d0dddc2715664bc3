// UTF-8 decoding and validation. Comment text arrives from the network and
// from files: nothing downstream may assume it is well formed until
// ValidateUtf8 said so.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace commentd::text {

// OK when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
// Otherwise kInvalidArgument naming the byte offset of the first bad sequence.
base::Status ValidateUtf8(std::string_view s);

// The byte offset of the first malformed sequence, or std::string_view::npos.
size_t FindInvalidUtf8(std::string_view s);

// Decodes the code point starting at s[*pos] and advances *pos past it.
// Precondition: `s` is valid UTF-8 and *pos < s.size() is at a code point start.
char32_t DecodeUtf8(std::string_view s, size_t* pos);

// Appends the UTF-8 encoding of `c` to `out`.
void AppendUtf8(char32_t c, std::string* out);

// `s` with every invalid sequence replaced by U+FFFD, for safe display of
// text that failed ValidateUtf8.
std::string ToValidUtf8(std::string_view s);

}  // namespace commentd::text
