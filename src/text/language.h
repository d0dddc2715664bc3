// GuessLanguage: which of the publisher's languages a comment is written in,
// from the scripts of its letters. Used to pick per-language classifier
// thresholds; no dictionary, no model: Hangul means Korean, kana means
// Japanese, Han without kana means Chinese, Latin letters mean English.
#pragma once

#include <string_view>

namespace commentd::text {

// "ko", "ja", "zh", "en", or "" when the text has no letters of those
// scripts (digits, emoji, Cyrillic...). The script with the most letters
// wins, except that any kana among Han characters makes it Japanese (a
// Japanese sentence is mostly kanji with a few kana). Invalid UTF-8 bytes
// are skipped. Thread-safe (a pure function).
std::string_view GuessLanguage(std::string_view text);

}  // namespace commentd::text
