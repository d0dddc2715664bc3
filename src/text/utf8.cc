#include "text/utf8.h"

#include <cstring>

namespace commentd::text {
namespace {

// Length of the sequence at s[pos] and its code point, or 0 when malformed.
// Follows the Unicode "well-formed UTF-8" table (Table 3-7).
size_t SequenceAt(std::string_view s, size_t pos, char32_t* out) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    *out = b0;
    return 1;
  }
  size_t len;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlongs
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // <= U+10FFFF
  } else {
    return 0;
  }
  if (pos + len > s.size()) return 0;
  for (size_t i = 1; i < len; ++i) {
    const unsigned char b = byte(pos + i);
    const unsigned char min = i == 1 ? lo : 0x80;
    const unsigned char max = i == 1 ? hi : 0xBF;
    if (b < min || b > max) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  *out = cp;
  return len;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view s) {
  size_t pos = 0;
  char32_t cp;
  while (pos < s.size()) {
    // ASCII runs are the common case; skip them eight bytes at a time.
    while (pos + 8 <= s.size()) {
      uint64_t chunk;
      std::memcpy(&chunk, s.data() + pos, 8);
      if (chunk & 0x8080808080808080ull) break;
      pos += 8;
    }
    if (pos >= s.size()) break;
    const size_t len = SequenceAt(s, pos, &cp);
    if (len == 0) return pos;
    pos += len;
  }
  return std::string_view::npos;
}

base::Status ValidateUtf8(std::string_view s) {
  const size_t bad = FindInvalidUtf8(s);
  if (bad != std::string_view::npos)
    return base::InvalidArgumentError("invalid UTF-8 at byte {}", bad);
  return base::OkStatus();
}

namespace internal {
CodePoint DecodeMultiByte(std::string_view s, size_t pos) {
  char32_t cp;
  const size_t len = SequenceAt(s, pos, &cp);
  if (len == 0) return {kReplacementCharacter, 1, false};
  return {cp, static_cast<uint32_t>(len), true};
}
}  // namespace internal

CodePoint DecodeBefore(std::string_view s, size_t pos) {
  if (pos == 0) return {0, 0, false};
  size_t p = pos - 1;
  for (int i = 0; i < 3 && p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80; ++i) --p;
  const CodePoint cp = DecodeAt(s, p);
  if (cp.valid && p + cp.len == pos) return cp;
  return {kReplacementCharacter, 1, false};
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) AppendUtf8(DecodeUtf8(s, &pos), &out);
  return out;
}

}  // namespace commentd::text
