#include "moderation/ad_phone_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/normalizer.h"

namespace commentd::moderation::ads {
namespace {

// The phone numbers found in `original`, as the original bytes of each span.
std::vector<std::string> Phones(const std::string& original,
                                std::vector<Candidate>* out = nullptr) {
  auto folded = text::TestNormalizer().Fold(original);
  EXPECT_TRUE(folded.ok());
  std::vector<Candidate> candidates;
  ScanPhones(folded->text(), &candidates, *folded);
  std::vector<std::string> found;
  for (const Candidate& c : candidates) {
    EXPECT_EQ(c.kind, Kind::kPhoneNumber);
    EXPECT_GT(c.weight, 0.0);
    found.push_back(original.substr(c.span.begin, c.span.size()));
  }
  if (out != nullptr) *out = candidates;
  return found;
}

TEST(AdPhoneScannerTest, FindsNumbersOfTheMarketsNumberingPlans) {
  EXPECT_EQ(Phones("연락 010-1234-5678 주세요"), std::vector<std::string>{"010-1234-5678"});
  EXPECT_EQ(Phones("Call +1 (555) 123-4567 today"), std::vector<std::string>{"+1 (555) 123-4567"});
  EXPECT_EQ(Phones("(010) 1234-5678"), std::vector<std::string>{"(010) 1234-5678"});
}

TEST(AdPhoneScannerTest, SpansPointToTheOriginalFullwidthDigits) {
  EXPECT_EQ(Phones("电话：１３８１２３４５６７８"),
            std::vector<std::string>{"１３８１２３４５６７８"});
}

TEST(AdPhoneScannerTest, IgnoresDatesYearsMoneyAndDocumentNumbers) {
  for (const char* text : {"Resolution 2397 on 2017-12-22", "see S/2019/171, pages 2017-2019",
                           "13,000,000,000 dollars", "500,000 barrels a year", "1.5 million",
                           "2018년 4월 27일", "1950-1953, 1994, 2006, 2009, 2013, 2016, 2017"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(Phones(text).empty());
  }
}

TEST(AdPhoneScannerTest, TheSameNumberTwiceSharesOneKey) {
  std::vector<Candidate> candidates;
  Phones("010-1234-5678 or 010-1234-5678", &candidates);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].key, candidates[1].key);
}

// Unbalanced parentheses and stray plus signs around digits once made the
// scanner revisit the same byte forever.
TEST(AdPhoneScannerTest, FinishesOnStrayPunctuation) {
  for (const char* text : {"(1", "((((1", "+(1", "+", "(", "1(2(3(4", "(((((((((("}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(Phones(text).empty());
  }
}

}  // namespace
}  // namespace commentd::moderation::ads
