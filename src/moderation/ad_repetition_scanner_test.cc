#include "moderation/ad_repetition_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/normalizer.h"

namespace commentd::moderation::ads {
namespace {

// The repetitions found in `original`, as the original bytes of each span.
std::vector<std::string> Repeats(const std::string& original) {
  auto folded = text::TestNormalizer().Fold(original);
  EXPECT_TRUE(folded.ok());
  std::vector<Candidate> candidates;
  ScanRepetition(*folded, &candidates);
  std::vector<std::string> found;
  for (const Candidate& c : candidates) {
    EXPECT_EQ(c.kind, Kind::kRepetition);
    EXPECT_EQ(c.weight, kWeak);
    found.push_back(original.substr(c.span.begin, c.span.size()));
  }
  return found;
}

TEST(AdRepetitionScannerTest, LaughterCryingAndCheersAreNotCounted) {
  for (const char* text :
       {"ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ", "ㅠㅠㅠㅠㅠ", "666666666666", "888888", "哈哈哈哈哈哈",
        "하하하하하하하", "hahahahahahaha", "lololololol", "wwwwwwwww", "soooooo good"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(Repeats(text).empty());
  }
}

TEST(AdRepetitionScannerTest, StretchedMarksCount) {
  EXPECT_EQ(Repeats("$$$$$$$$"), std::vector<std::string>{"$$$$$$$$"});
  EXPECT_EQ(Repeats("BUY!!!!!!!!!!"), std::vector<std::string>{"!!!!!!!!!!"});
}

TEST(AdRepetitionScannerTest, SlogansRepeatedFourTimesCount) {
  for (const char* text :
       {"加微信加微信加微信加微信", "buy buy buy buy", "가입가입가입가입가입", "👉👉👉👉👉 here"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(Repeats(text).empty());
  }
  // Three times is emphasis.
  for (const char* text : {"대박 대박 대박", "呵呵呵呵呵呵"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(Repeats(text).empty());
  }
}

TEST(AdRepetitionScannerTest, SpansPointToTheOriginalBytes) {
  EXPECT_EQ(Repeats("ＢＵＹ！！！！！！！！"), std::vector<std::string>{"！！！！！！！！"});
}

}  // namespace
}  // namespace commentd::moderation::ads
