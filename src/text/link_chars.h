// The code point and byte classes of the link finder: which characters may
// stand in a host label or a path, which end a host (spaces, CJK letters and
// punctuation), and small byte helpers. Scripts come from text/script.h.
// Internal to the link finder (link_*.cc). Thread-safe (pure functions).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "text/script.h"
#include "text/utf8.h"

namespace commentd::text::links {

// A malformed byte decodes as U+FFFD (text::DecodeAt). The folded view is
// valid UTF-8, but the finder must not trust that for memory safety.
inline constexpr char32_t kInvalid = kReplacementCharacter;

inline bool IsAsciiLabelChar(char32_t c) { return IsAsciiAlnum(c) || c == '-' || c == '_'; }

// CJK and fullwidth punctuation: ends hosts and paths.
inline bool IsCjkPunct(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF65) || (c >= 0xFFE0 && c <= 0xFFEF);
}

inline bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// A non-ASCII code point that may be part of an IDN label ("bürger", "✪df",
// "президент"): anything but spaces, controls, punctuation blocks and CJK.
inline bool IsNonAsciiLabelChar(char32_t c) {
  if (c < 0x80 || c == kInvalid) return false;
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return false;  // C1 controls, Latin-1 punctuation
  if (c >= 0x2000 && c <= 0x206F) return false;           // general punctuation
  if (c >= 0x2E00 && c <= 0x2E7F) return false;           // supplemental punctuation
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  return !IsSpace(c) && !IsCjkLetter(c) && !IsCjkPunct(c);
}

// Arrows, dingbats, pictographs, emoji and their modifiers. They may stand in
// an IDN label ("✪df.ws"), but right after an ASCII label they are decoration
// ("example.com😀"), so a host is cut there when it does not validate whole,
// and a path stops at them.
inline bool IsSymbol(char32_t c) {
  return (c >= 0x2190 && c <= 0x2BFF) || (c >= 0xE000 && c <= 0xF8FF) ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F000 && c <= 0x1FAFF);
}

inline bool IsHostChar(char32_t c, bool allow_cjk) {
  return IsAsciiLabelChar(c) || IsNonAsciiLabelChar(c) || (allow_cjk && IsCjkLetter(c));
}

// Characters that may continue a URL path or query.
inline bool IsPathChar(char32_t c) {
  if (c < 0x21 || c == 0x7F || c == '<' || c == '>' || c == '`' || c == '\\') return false;
  if (c >= 0x80 && c <= 0x9F) return false;
  return !IsSpace(c) && !IsCjkLetter(c) && !IsCjkPunct(c) && !IsSymbol(c) && c != kInvalid;
}

inline bool StartsWith(std::string_view s, size_t pos, std::string_view prefix) {
  return s.size() - pos >= prefix.size() && s.compare(pos, prefix.size(), prefix) == 0;
}

inline size_t SkipSpaces(std::string_view s, size_t pos, size_t max) {
  for (size_t n = 0; n < max && pos < s.size() && s[pos] == ' '; ++n) ++pos;
  return pos;
}

// End of the run of ASCII label characters [a-z0-9-] starting at pos.
inline size_t AsciiLabelEnd(std::string_view s, size_t pos) {
  while (pos < s.size() && (IsAsciiAlnum(static_cast<unsigned char>(s[pos])) || s[pos] == '-')) {
    ++pos;
  }
  return pos;
}

// True when original bytes `word` are Title-case: "Kim", "Then", "Com".
inline bool IsTitleCase(std::string_view word) {
  if (word.size() < 2 || !(word[0] >= 'A' && word[0] <= 'Z')) return false;
  return std::any_of(word.begin() + 1, word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace commentd::text::links
