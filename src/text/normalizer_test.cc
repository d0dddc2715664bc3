#include "text/normalizer.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/golden.h"
#include "testing/normalizer.h"

namespace commentd::text {
namespace {

TEST(NormalizerTest, LexicalViewMatchesGoldenFile) {
  const int cases = golden::ForEachLine("testdata/normalizer.tsv",
                                        [](const std::string& expected, const std::string& input) {
                                          auto lexical = TestNormalizer().LexicalString(input);
                                          ASSERT_TRUE(lexical.ok()) << lexical.status().ToString();
                                          EXPECT_EQ(*lexical, expected);
                                        });
  EXPECT_GT(cases, 40);
}

TEST(NormalizerTest, FoldRejectsInvalidUtf8NamingTheOffset) {
  auto folded = TestNormalizer().Fold("ok\xFFno");
  ASSERT_FALSE(folded.ok());
  EXPECT_EQ(folded.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(folded.status().message(), "invalid UTF-8 at byte 2");
}

TEST(NormalizerTest, FoldKeepsPunctuationDigitsAndSpaces) {
  auto folded = TestNormalizer().Fold("Resolution 2397, e.g. S/2019/171!");
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(folded->text(), "resolution 2397, e.g. s/2019/171!");
}

// The span of a finding must be exactly what the writer typed, whatever the
// normalizer removed or merged on the way.
TEST(NormalizerTest, SpansMapBackToTheOriginalBytes) {
  struct Case {
    std::string original;
    std::string word;      // in the lexical view
    std::string expected;  // the original bytes it must map to
  };
  const Case cases[] = {
      {"you ｆｕｃｋ off", "fuck", "ｆｕｃｋ"},
      {"a f\u200bu\u200bck b", "fuck", "f\u200bu\u200bck"},
      {"so f u c k it", "fuck", "f u c k"},
      {"이 씨1발 뭐야", "씨발", "씨1발"},
      {"ㅆㅣㅂㅏㄹ 진짜", "씨발", "ㅆㅣㅂㅏㄹ"},
      {"what a fuсk", "fuck", "fuсk"},
      {"f̴u̷c̶k̸!", "fuck", "f̴u̷c̶k̸"},
      {"北 操.你.妈 呀", "操你妈", "操.你.妈"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.original);
    auto folded = TestNormalizer().Fold(c.original);
    ASSERT_TRUE(folded.ok());
    NormalizedText lexical = TestNormalizer().Lexical(*folded);
    const size_t at = lexical.text().find(c.word);
    ASSERT_NE(at, std::string::npos) << lexical.text();
    Span span = lexical.ToOriginal(at, at + c.word.size());
    EXPECT_EQ(c.original.substr(span.begin, span.size()), c.expected);
  }
}

TEST(NormalizerTest, EmptyAndWhitespaceOnlyTextStayValid) {
  auto folded = TestNormalizer().Fold("");
  ASSERT_TRUE(folded.ok());
  EXPECT_TRUE(folded->empty());
  EXPECT_TRUE(TestNormalizer().Lexical(*folded).empty());
  auto only_format = TestNormalizer().Fold("\u200b\u200d\ufeff");
  ASSERT_TRUE(only_format.ok());
  EXPECT_TRUE(only_format->empty());
}

}  // namespace
}  // namespace commentd::text

namespace commentd::text {
namespace {

std::string Key(std::string_view name) {
  auto key = TestNormalizer().NameKey(name);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? *key : std::string();
}

TEST(NameKeyTest, NamesAReaderCannotTellApartShareOneKey) {
  const std::string plain = Key("Spammer");
  EXPECT_FALSE(plain.empty());
  for (std::string_view variant : {
           "spammer", "SPAMMER", " Spammer ",
           "Spam\u200Bmer",                               // zero-width space
           "Spam\u200Dmer\u2060",                         // joiner, word joiner
           "\u0405\u0440\u0430mm\u0435r",                 // Cyrillic S, r, a, e
           "\uFF33\uFF50\uFF41\uFF4D\uFF4D\uFF45\uFF52",  // fullwidth
           "\u202ESpammer\u202C",                         // bidi controls
       }) {
    SCOPED_TRACE(variant);
    EXPECT_EQ(Key(variant), plain);
  }
}

TEST(NameKeyTest, CapitalsThatLookLatinMatchEvenWhenTheirLowerCaseDoesNot) {
  EXPECT_EQ(Key("\u0422roll"), Key("Troll"));  // Cyrillic capital te
  EXPECT_EQ(Key("\u0412\u041E\u0422"), Key("bot"));
  EXPECT_EQ(Key("ADMIN"), Key("admin"));  // "I" is "i" here, not the "l" it resembles
}

TEST(NameKeyTest, CollapsesEveryKindOfSpaceBetweenWords) {
  const std::string plain = Key("Kim Minsu");
  EXPECT_EQ(Key("Kim\u00A0Minsu"), plain);             // NBSP
  EXPECT_EQ(Key("Kim \u3000 \t Minsu\u00A0"), plain);  // ideographic space, tab
  EXPECT_NE(Key("KimMinsu"), plain);
}

TEST(NameKeyTest, DifferentNamesKeepDifferentKeys) {
  EXPECT_NE(Key("alice"), Key("alicia"));
  EXPECT_NE(Key("김민수"), Key("김민준"));
  EXPECT_NE(Key("moderator"), Key("moderators"));
}

TEST(NameKeyTest, IsStableWhenAppliedToItsOwnOutput) {
  for (std::string_view name : {"Spammer", "\u0405\u0440\u0430mm\u0435r", "김민수", "Ｍｏｄ"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(Key(Key(name)), Key(name));
  }
}

TEST(NameKeyTest, RefusesInvalidUtf8) {
  auto key = TestNormalizer().NameKey("bad\xC0name");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), base::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace commentd::text
