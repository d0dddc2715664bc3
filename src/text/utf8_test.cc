#include "text/utf8.h"

#include <gtest/gtest.h>

namespace commentd::text {
namespace {

TEST(Utf8Test, AcceptsAllFourScriptsOfTheOutlet) {
  EXPECT_TRUE(ValidateUtf8("North Korea 북한 朝鲜 北朝鮮").ok());
  EXPECT_TRUE(ValidateUtf8("").ok());
  EXPECT_TRUE(ValidateUtf8("\xF0\x9F\x98\x80").ok());  // emoji, 4 bytes
}

TEST(Utf8Test, RejectsMalformedSequencesNamingTheByteOffset) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"ab\xFF", "invalid UTF-8 at byte 2"},
      {"\xC0\xAF", "invalid UTF-8 at byte 0"},          // overlong '/'
      {"x\xED\xA0\x80", "invalid UTF-8 at byte 1"},     // surrogate
      {"\xF4\x90\x80\x80", "invalid UTF-8 at byte 0"},  // > U+10FFFF
      {"ok\xE4\xB8", "invalid UTF-8 at byte 2"},        // truncated
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    base::Status s = ValidateUtf8(c.text);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message(), c.message);
  }
}

TEST(Utf8Test, DecodeAndAppendRoundTrip) {
  const std::string s = "a북朝\xF0\x9F\x98\x80";
  std::string out;
  size_t pos = 0;
  while (pos < s.size()) AppendUtf8(DecodeUtf8(s, &pos), &out);
  EXPECT_EQ(out, s);
}

TEST(Utf8Test, ToValidUtf8ReplacesBadBytes) {
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace commentd::text
