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

TEST(Utf8Test, DecodeAtReturnsCodePointAndLength) {
  const std::string s = "a\xC3\xA9\xEB\xB6\x81\xF0\x9F\x98\x80";  // a é 북 😀
  CodePoint cp = DecodeAt(s, 0);
  EXPECT_EQ(cp.c, U'a');
  EXPECT_EQ(cp.len, 1u);
  EXPECT_TRUE(cp.valid);
  cp = DecodeAt(s, 1);
  EXPECT_EQ(cp.c, U'\u00E9');
  EXPECT_EQ(cp.len, 2u);
  cp = DecodeAt(s, 3);
  EXPECT_EQ(cp.c, U'\uBD81');
  EXPECT_EQ(cp.len, 3u);
  cp = DecodeAt(s, 6);
  EXPECT_EQ(cp.c, U'\U0001F600');
  EXPECT_EQ(cp.len, 4u);
  EXPECT_TRUE(cp.valid);
}

TEST(Utf8Test, DecodeAtReplacesEachMalformedByteWithReplacementCharacter) {
  const std::string cases[] = {
      "\xFF",              // never a UTF-8 byte
      "\x80",              // lone continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong, three bytes
      "\xED\xA0\x80",      // surrogate U+D800
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xE4\xB8",          // truncated at the end
      "\xE4\x41\x41",      // continuation byte missing
  };
  for (const std::string& s : cases) {
    SCOPED_TRACE(ToValidUtf8(s));
    const CodePoint cp = DecodeAt(s, 0);
    EXPECT_EQ(cp.c, kReplacementCharacter);
    EXPECT_EQ(cp.len, 1u);
    EXPECT_FALSE(cp.valid);
  }
}

TEST(Utf8Test, DecodeAtKeepsARealReplacementCharacterValid) {
  const CodePoint cp = DecodeAt("\xEF\xBF\xBD", 0);
  EXPECT_EQ(cp.c, kReplacementCharacter);
  EXPECT_EQ(cp.len, 3u);
  EXPECT_TRUE(cp.valid);
}

TEST(Utf8Test, DecodeUtf8ResyncsAfterABadByte) {
  const std::string s = "\xE4\xB8x\xEB\xB6\x81";
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8(s, &pos), kReplacementCharacter);
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(DecodeUtf8(s, &pos), kReplacementCharacter);
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(DecodeUtf8(s, &pos), U'x');
  EXPECT_EQ(DecodeUtf8(s, &pos), U'\uBD81');
  EXPECT_EQ(pos, s.size());
}

TEST(Utf8Test, DecodeBeforeFindsTheCodePointEndingAtAnOffset) {
  const std::string s = "a\xEB\xB6\x81\xF0\x9F\x98\x80";  // a 북 😀
  EXPECT_EQ(DecodeBefore(s, 0).len, 0u);
  EXPECT_FALSE(DecodeBefore(s, 0).valid);
  EXPECT_EQ(DecodeBefore(s, 1).c, U'a');
  CodePoint cp = DecodeBefore(s, 4);
  EXPECT_EQ(cp.c, U'\uBD81');
  EXPECT_EQ(cp.len, 3u);
  cp = DecodeBefore(s, s.size());
  EXPECT_EQ(cp.c, U'\U0001F600');
  EXPECT_EQ(cp.len, 4u);
  // Inside a sequence: the bytes before do not end a code point there.
  cp = DecodeBefore(s, 3);
  EXPECT_EQ(cp.c, kReplacementCharacter);
  EXPECT_FALSE(cp.valid);
  // Continuation bytes only: never steps back more than three bytes.
  cp = DecodeBefore("\x80\x80\x80\x80\x80", 5);
  EXPECT_EQ(cp.c, kReplacementCharacter);
  EXPECT_EQ(cp.len, 1u);
}

}  // namespace
}  // namespace commentd::text
