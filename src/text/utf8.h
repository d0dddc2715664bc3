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

// One decoded code point: `c`, its length in bytes, and whether the bytes
// were a well-formed sequence.
struct CodePoint {
  char32_t c;
  uint32_t len;
  bool valid;
};

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

namespace internal {
CodePoint DecodeMultiByte(std::string_view s, size_t pos);
}  // namespace internal

// The lenient decoder: the code point starting at byte `pos` (< s.size()).
// A malformed, overlong, surrogate or truncated sequence decodes as U+FFFD of
// length 1 with valid == false, so a loop that advances by `len` resyncs on
// the next byte. Never reads outside `s`. Well-formed means what
// ValidateUtf8 accepts, so on validated text `valid` is always true.
inline CodePoint DecodeAt(std::string_view s, size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return {b0, 1, true};
  return internal::DecodeMultiByte(s, pos);
}

// The code point that ends right before byte `pos` (<= s.size()), found by
// stepping back over at most three continuation bytes. When those bytes do
// not form one well-formed sequence ending at `pos`, U+FFFD of length 1 with
// valid == false. At pos 0: c == 0, len == 0, valid == false.
CodePoint DecodeBefore(std::string_view s, size_t pos);

// DecodeAt that advances *pos past the code point (by 1 when malformed).
inline char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const CodePoint cp = DecodeAt(s, *pos);
  *pos += cp.len;
  return cp.c;
}

// Appends the UTF-8 encoding of `c` to `out`.
void AppendUtf8(char32_t c, std::string* out);

// `s` with every invalid sequence replaced by U+FFFD, for safe display of
// text that failed ValidateUtf8.
std::string ToValidUtf8(std::string_view s);

}  // namespace commentd::text
