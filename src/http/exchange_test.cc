#include "http/exchange.h"

#include <gtest/gtest.h>

#include "http/api.h"

namespace commentd::http {
namespace {

TEST(RequestTest, FindsCookieAmongOthers) {
  Request r;
  r.headers = {{"cookie", "a=1; commentd_session=tok en;b=2"}};
  EXPECT_EQ(r.Cookie("commentd_session"), "tok en");
  EXPECT_EQ(r.Cookie("b"), "2");
  EXPECT_EQ(r.Cookie("missing"), "");
}

TEST(RequestTest, HeaderLookupIgnoresCase) {
  Request r;
  r.headers = {{"x-edit-token", "t"}};
  EXPECT_EQ(r.Header("X-Edit-Token"), "t");
  EXPECT_EQ(r.Header("X-Other"), "");
}

TEST(PickLanguageTest, FieldThenAcceptLanguageThenEnglish) {
  const struct {
    const char* lang;
    const char* accept;
    const char* want;
  } kCases[] = {
      {"ko", "ja", "ko"},
      {"", "ja-JP,ja;q=0.9", "ja"},
      {"", "fr-FR, ZH-cn;q=0.5", "zh"},
      {"xx", "ko-KR", "ko"},
      {"", "", "en"},
      {"", "fr, de", "en"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.lang) + " | " + c.accept);
    EXPECT_EQ(PickLanguage(c.lang, c.accept), c.want);
  }
}

}  // namespace
}  // namespace commentd::http
