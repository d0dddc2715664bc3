#include "text/language.h"

#include <cstddef>

#include "text/script.h"
#include "text/utf8.h"

namespace commentd::text {

std::string_view GuessLanguage(std::string_view text) {
  size_t hangul = 0;
  size_t kana = 0;
  size_t han = 0;
  size_t latin = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const CodePoint cp = DecodeAt(text, pos);
    pos += cp.len;  // a malformed byte decodes as U+FFFD, which has no script
    switch (ScriptOf(cp.c)) {
      case Script::kHangul:
        ++hangul;
        break;
      case Script::kKana:
        ++kana;
        break;
      case Script::kHan:
        ++han;
        break;
      case Script::kLatin:
        ++latin;
        break;
      default:
        break;
    }
  }
  const size_t cjk = han + kana;
  if (hangul == 0 && cjk == 0 && latin == 0) return "";
  if (hangul >= cjk && hangul >= latin) return "ko";
  if (cjk >= latin) return kana > 0 ? "ja" : "zh";
  return "en";
}

}  // namespace commentd::text
