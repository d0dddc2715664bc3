#include "text/phrase_matcher.h"

#include <gtest/gtest.h>

namespace commentd::text {
namespace {

std::vector<std::string> Found(const PhraseMatcher& m, const std::vector<std::string>& phrases,
                               std::string_view text) {
  std::vector<std::string> out;
  for (const auto& match : m.FindAll(text)) {
    out.push_back(phrases[match.id] + "=" + std::string(text.substr(match.begin, match.end - match.begin)));
  }
  return out;
}

TEST(PhraseMatcherTest, StretchedLettersMatchButFewerRepeatsDoNot) {
  const std::vector<std::string> phrases = {"fuck", "ass", "씨발"};
  auto m = PhraseMatcher::Create(phrases);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(Found(*m, phrases, "fuuuuck"), (std::vector<std::string>{"fuck=fuuuuck"}));
  EXPECT_EQ(Found(*m, phrases, "as"), (std::vector<std::string>{}));
  EXPECT_EQ(Found(*m, phrases, "asssss"), (std::vector<std::string>{"ass=asssss"}));
  EXPECT_EQ(Found(*m, phrases, "씨씨발발"), (std::vector<std::string>{"씨발=씨씨발발"}));
}

TEST(PhraseMatcherTest, FindsOverlappingMatchesInOrder) {
  const std::vector<std::string> phrases = {"bc", "abcd", "cd"};
  auto m = PhraseMatcher::Create(phrases);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Found(*m, phrases, "xabcdx"), (std::vector<std::string>{"abcd=abcd", "bc=bc", "cd=cd"}));
}

TEST(PhraseMatcherTest, EmptyPhraseIsRefused) {
  auto m = PhraseMatcher::Create({"ok", ""});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "phrase 1 is empty");
}

TEST(PhraseMatcherTest, NoPhrasesFindNothing) {
  auto m = PhraseMatcher::Create({});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->FindAll("anything").empty());
}

}  // namespace
}  // namespace commentd::text
