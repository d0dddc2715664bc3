#include "http/request_target.h"

#include <gtest/gtest.h>

namespace commentd::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PercentDecodeTest, DecodesEscapesIncludingMultibyteOnes) {
  EXPECT_EQ(PercentDecode("a%20b"), "a b");
  EXPECT_EQ(PercentDecode("%ED%95%9C"), "\xED\x95\x9C");
  EXPECT_EQ(PercentDecode("plain"), "plain");
}

TEST(PercentDecodeTest, AMalformedEscapeLeavesTheTextAsTyped) {
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%20"), "%zz%20");
  EXPECT_EQ(PercentDecode("%2"), "%2");
}

TEST(PercentDecodeTest, APlusIsASpaceAndAnEscapedPlusAPlus) {
  EXPECT_EQ(PercentDecode("a+b"), "a b");
  EXPECT_EQ(PercentDecode("a%2Bb"), "a+b");
}

TEST(PercentDecodeTest, EscapedBytesThatAreNotUtf8LeaveTheTextAsTyped) {
  EXPECT_EQ(PercentDecode("%FF%20"), "%FF%20");
}

TEST(ParseQueryTest, SplitsPairsInOrderKeepingDuplicates) {
  EXPECT_EQ(ParseQuery("limit=5&after=c1&limit=6"),
            (Pairs{{"limit", "5"}, {"after", "c1"}, {"limit", "6"}}));
}

TEST(ParseQueryTest, AKeyWithoutEqualsHasAnEmptyValueAndEmptyPairsAreSkipped) {
  EXPECT_EQ(ParseQuery("&a&&b=&c=1&"), (Pairs{{"a", ""}, {"b", ""}, {"c", "1"}}));
  EXPECT_EQ(ParseQuery(""), Pairs{});
}

TEST(ParseQueryTest, OnlyTheFirstEqualsSplitsKeyFromValue) {
  EXPECT_EQ(ParseQuery("a=b=c"), (Pairs{{"a", "b=c"}}));
}

TEST(ParseQueryTest, DecodesPlusAsSpaceAndEscapesInKeysAndValues) {
  EXPECT_EQ(ParseQuery("th%72eads=a+b%2Cc"), (Pairs{{"threads", "a b,c"}}));
}

TEST(ParseQueryTest, AnEscapedPlusStaysAPlus) {
  // Before, '+' also became a space after decoding, so "%2B" did too.
  EXPECT_EQ(ParseQuery("threads=a%2Bb"), (Pairs{{"threads", "a+b"}}));
}

TEST(ParseQueryTest, EscapedSeparatorsAreDataNotSeparators) {
  EXPECT_EQ(ParseQuery("a=x%26b%3Dy"), (Pairs{{"a", "x&b=y"}}));
}

}  // namespace
}  // namespace commentd::http
