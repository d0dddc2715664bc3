#include "text/language.h"

#include <cstddef>

#include "text/utf8.h"

namespace commentd::text {

std::string_view GuessLanguage(std::string_view text) {
  size_t hangul = 0;
  size_t kana = 0;
  size_t han = 0;
  size_t latin = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[pos]);
    const size_t len = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
    if (len == 0 || pos + len > text.size() || !ValidateUtf8(text.substr(pos, len)).ok()) {
      ++pos;  // not the start of a valid code point: skip the byte
      continue;
    }
    const char32_t c = DecodeUtf8(text, &pos);
    if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) ||
        (c >= 0x3130 && c <= 0x318F)) {
      ++hangul;
    } else if ((c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF) ||
               (c >= 0xFF66 && c <= 0xFF9D)) {
      ++kana;
    } else if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
               (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F)) {
      ++han;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F) ||
               (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) {
      ++latin;
    }
  }
  const size_t cjk = han + kana;
  if (hangul == 0 && cjk == 0 && latin == 0) return "";
  if (hangul >= cjk && hangul >= latin) return "ko";
  if (cjk >= latin) return kana > 0 ? "ja" : "zh";
  return "en";
}

}  // namespace commentd::text
