#include "text/language.h"

#include <gtest/gtest.h>

#include <string>

namespace commentd::text {
namespace {

struct Case {
  const char* text;
  const char* language;
};

TEST(GuessLanguageTest, NamesTheScriptWithTheMostLetters) {
  const Case cases[] = {
      {"Thanks for the careful report", "en"},
      {"좋은 기사 감사합니다", "ko"},
      {"感谢记者的详细报道", "zh"},
      {"詳しい記事をありがとう", "ja"},  // kanji with a few kana: Japanese
      {"東京", "zh"},                    // Han alone cannot tell; Chinese is the guess
      {"ㅋㅋㅋㅋ", "ko"},                // compatibility jamo
      {"ｆｕｌｌｗｉｄｔｈ", "en"},
      {"Café crème", "en"},
      {"北朝鮮 news today, very long english words here", "en"},
      {"UN 안보리 제재", "ko"},
      {"12345 !!! 😀", ""},
      {"", ""},
      {"Привет", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(GuessLanguage(c.text), c.language);
  }
}

TEST(GuessLanguageTest, SkipsInvalidUtf8) {
  EXPECT_EQ(GuessLanguage(std::string("\xff\xfe 좋은 \xc3", 12)), "ko");
}

}  // namespace
}  // namespace commentd::text
