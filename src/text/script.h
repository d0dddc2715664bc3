// Which writing system a code point belongs to, for the four scripts the
// engine tells apart (Hangul, Han, Kana, Latin) plus the Greek and Cyrillic
// alphabets. The one place these ranges live: the link finder, the
// normalizer, the language guess, the lexicon's word boundaries, the ad
// scanners and the fastText tokenizer all ask here.
//
// The ranges follow the Unicode blocks (Unicode 15.1) with ICU's
// uscript_getScript as the reference for what belongs to a script; they are
// constexpr range tests because the scanners call them per code point.
// Unassigned code points inside a block count as the block's script. Common
// characters used by several scripts (the Katakana-Hiragana prolonged sound
// mark U+30FC and middle dot U+30FB) count as Kana, as they stand inside
// Japanese words; the ideographic iteration mark U+3005 and ideographic zero
// U+3007 count as Han. Punctuation, symbols and digits are no script's.
#pragma once

#include <cstdint>

namespace commentd::text {

enum class Script : uint8_t { kOther, kLatin, kHangul, kKana, kHan, kGreek, kCyrillic };

// ASCII letters and digits: the bytes of codes, hosts and Latin words.
constexpr bool IsAsciiAlpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiAlnum(char32_t c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

// Precomposed Hangul syllables U+AC00..U+D7A3 (the 11,172 of them).
constexpr bool IsHangulSyllable(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }

// Hangul letters that are not syllables: conjoining jamo (U+1100..U+11FF,
// extended A U+A960..U+A97F, extended B U+D7B0..U+D7FF), compatibility jamo
// (U+3131..U+318E: ㅋ, ㅠ) and halfwidth jamo (U+FFA0..U+FFDC).
constexpr bool IsHangulJamo(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3131 && c <= 0x318E) ||
         (c >= 0xA960 && c <= 0xA97F) || (c >= 0xD7B0 && c <= 0xD7FF) ||
         (c >= 0xFFA0 && c <= 0xFFDC);
}

// Hangul syllables and jamo of every form.
constexpr bool IsHangul(char32_t c) { return IsHangulSyllable(c) || IsHangulJamo(c); }

// Han ideographs: CJK unified (U+4E00..U+9FFF), extension A (U+3400..U+4DBF),
// compatibility ideographs (U+F900..U+FAFF), the supplementary and tertiary
// ideographic planes (U+20000..U+3FFFF: extensions B-H and the compatibility
// supplement), and the marks 々 (U+3005) and 〇 (U+3007).
constexpr bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3005 ||
         c == 0x3007;
}

// Kana: Hiragana and Katakana (U+3041..U+30FF), Katakana phonetic extensions
// (U+31F0..U+31FF), halfwidth Katakana (U+FF66..U+FF9F) and the historic kana
// of the Kana Supplement and extensions (U+1B000..U+1B16F).
constexpr bool IsKana(char32_t c) {
  return (c >= 0x3041 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0xFF66 && c <= 0xFF9F) || (c >= 0x1B000 && c <= 0x1B16F);
}

// Latin letters: ASCII, Latin-1 (U+00C0..U+00FF but not × U+00D7 and ÷
// U+00F7), Latin Extended-A/B and IPA (U+0100..U+02AF), Latin Extended
// Additional (U+1E00..U+1EFF), Extended-C (U+2C60..U+2C7F), Extended-D
// (U+A720..U+A7FF), Extended-E (U+AB30..U+AB6F) and fullwidth Latin
// (U+FF21..U+FF3A, U+FF41..U+FF5A).
constexpr bool IsLatin(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return (c >= 0xC0 && c <= 0x2AF && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF) ||
         (c >= 0x2C60 && c <= 0x2C7F) || (c >= 0xA720 && c <= 0xA7FF) ||
         (c >= 0xAB30 && c <= 0xAB6F) || (c >= 0xFF21 && c <= 0xFF3A) ||
         (c >= 0xFF41 && c <= 0xFF5A);
}

// Greek and Coptic (U+0370..U+03FF) and Greek Extended (U+1F00..U+1FFF).
constexpr bool IsGreek(char32_t c) {
  return (c >= 0x370 && c <= 0x3FF) || (c >= 0x1F00 && c <= 0x1FFF);
}

// Cyrillic and Cyrillic Supplement (U+0400..U+052F).
constexpr bool IsCyrillic(char32_t c) { return c >= 0x400 && c <= 0x52F; }

// Hangul, Han or Kana: the letters of the CJK scripts.
constexpr bool IsCjkLetter(char32_t c) { return IsHangul(c) || IsHan(c) || IsKana(c); }

constexpr Script ScriptOf(char32_t c) {
  if (IsLatin(c)) return Script::kLatin;
  if (c < 0x370) return Script::kOther;
  if (IsHangul(c)) return Script::kHangul;
  if (IsKana(c)) return Script::kKana;
  if (IsHan(c)) return Script::kHan;
  if (IsGreek(c)) return Script::kGreek;
  if (IsCyrillic(c)) return Script::kCyrillic;
  return Script::kOther;
}

}  // namespace commentd::text
