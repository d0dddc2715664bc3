#include "text/script.h"

#include <gtest/gtest.h>

#include <string>

#include "text/utf8.h"

namespace commentd::text {
namespace {

std::string Hex(char32_t c) {
  char buf[16];
  snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

// Each range's first and last code point belong to the script; the code
// points just outside do not (unless a neighbouring range of the same script
// continues there).
struct Range {
  char32_t first, last;
  Script script;
};

constexpr Range kRanges[] = {
    {U'A', U'Z', Script::kLatin},      {U'a', U'z', Script::kLatin},
    {0xC0, 0xD6, Script::kLatin},      {0xD8, 0xF6, Script::kLatin},
    {0xF8, 0x2AF, Script::kLatin},     {0x1E00, 0x1EFF, Script::kLatin},
    {0x2C60, 0x2C7F, Script::kLatin},  {0xA720, 0xA7FF, Script::kLatin},
    {0xAB30, 0xAB6F, Script::kLatin},  {0xFF21, 0xFF3A, Script::kLatin},
    {0xFF41, 0xFF5A, Script::kLatin},  {0x370, 0x3FF, Script::kGreek},
    {0x1F00, 0x1FFF, Script::kGreek},  {0x400, 0x52F, Script::kCyrillic},
    {0x1100, 0x11FF, Script::kHangul}, {0x3131, 0x318E, Script::kHangul},
    {0xA960, 0xA97F, Script::kHangul}, {0xAC00, 0xD7A3, Script::kHangul},
    {0xD7B0, 0xD7FF, Script::kHangul}, {0xFFA0, 0xFFDC, Script::kHangul},
    {0x3041, 0x30FF, Script::kKana},   {0x31F0, 0x31FF, Script::kKana},
    {0xFF66, 0xFF9F, Script::kKana},   {0x1B000, 0x1B16F, Script::kKana},
    {0x3005, 0x3005, Script::kHan},    {0x3007, 0x3007, Script::kHan},
    {0x3400, 0x4DBF, Script::kHan},    {0x4E00, 0x9FFF, Script::kHan},
    {0xF900, 0xFAFF, Script::kHan},    {0x20000, 0x3FFFF, Script::kHan},
};

TEST(ScriptTest, EveryRangeBelongsToItsScriptFromFirstToLastCodePoint) {
  for (const Range& r : kRanges) {
    SCOPED_TRACE(Hex(r.first) + ".." + Hex(r.last));
    EXPECT_EQ(ScriptOf(r.first), r.script);
    EXPECT_EQ(ScriptOf(r.last), r.script);
    EXPECT_EQ(ScriptOf(r.first + (r.last - r.first) / 2), r.script);
  }
}

TEST(ScriptTest, CodePointsJustOutsideEachRangeBelongToNoScriptOrAnother) {
  for (const Range& r : kRanges) {
    for (const char32_t c :
         {static_cast<char32_t>(r.first - 1), static_cast<char32_t>(r.last + 1)}) {
      bool inside_another = false;
      for (const Range& other : kRanges) {
        inside_another |= c >= other.first && c <= other.last;
      }
      if (inside_another) continue;
      SCOPED_TRACE(Hex(c));
      EXPECT_EQ(ScriptOf(c), Script::kOther);
    }
  }
}

TEST(ScriptTest, PunctuationDigitsAndSymbolsBelongToNoScript) {
  for (const char32_t c : {U'0', U'9', U' ', U'.', U'@', U'\u00D7', U'\u00F7', U'\u3000', U'\u3001',
                           U'\u3002', U'\uFF01', U'\uFF10', U'\uFFE5', U'\U0001F600', U'\u20A9',
                           U'\u3130', U'\u318F', U'\u3040'}) {
    SCOPED_TRACE(Hex(c));
    EXPECT_EQ(ScriptOf(c), Script::kOther);
    EXPECT_FALSE(IsCjkLetter(c));
    EXPECT_FALSE(IsLatin(c));
  }
}

TEST(ScriptTest, HangulSplitsIntoSyllablesAndJamo) {
  EXPECT_TRUE(IsHangulSyllable(U'가'));
  EXPECT_TRUE(IsHangulSyllable(U'힣'));
  EXPECT_FALSE(IsHangulSyllable(0xD7A4));
  EXPECT_FALSE(IsHangulSyllable(U'ㅋ'));
  EXPECT_TRUE(IsHangulJamo(U'ㅋ'));
  EXPECT_TRUE(IsHangulJamo(U'ᄀ'));
  EXPECT_TRUE(IsHangulJamo(U'ﾡ'));  // halfwidth
  EXPECT_FALSE(IsHangulJamo(U'가'));
}

TEST(ScriptTest, EveryLetterOfAFourLanguageSentenceHasItsScript) {
  struct Case {
    std::string text;
    Script script;
  };
  const Case cases[] = {
      {"Straße", Script::kLatin},
      {"북한ㅋㅋ", Script::kHangul},
      {"ひらがなカタカナｶﾀｶﾅ", Script::kKana},
      {"朝鲜々", Script::kHan},
      {"Москва", Script::kCyrillic},
      {"Αθήνα", Script::kGreek},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    size_t pos = 0;
    while (pos < c.text.size()) EXPECT_EQ(ScriptOf(DecodeUtf8(c.text, &pos)), c.script);
  }
}

static_assert(IsHan(U'漢') && IsKana(U'ー') && IsHangul(U'한') && IsLatin(U'é'),
              "the tests are usable at compile time");

}  // namespace
}  // namespace commentd::text
