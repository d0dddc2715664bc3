#include "text/link_tables.h"

#include <gtest/gtest.h>

namespace commentd::text::links {
namespace {

TEST(LinkTablesTest, BareSuffixesAreTheAbusedAndWellKnownOnes) {
  EXPECT_TRUE(IsBareSuffix("com"));
  EXPECT_TRUE(IsBareSuffix("xyz"));
  EXPECT_FALSE(IsBareSuffix("kim"));  // a name after "Mr."
  EXPECT_FALSE(IsBareSuffix("zip"));  // a file extension
  EXPECT_FALSE(IsBareSuffix(""));
}

TEST(LinkTablesTest, TablesAreSearchedWhateverTheirWrittenOrder) {
  EXPECT_TRUE(IsShortener("bit.ly"));
  EXPECT_TRUE(IsShortener("amzn.to"));
  EXPECT_FALSE(IsShortener("example.com"));
  EXPECT_TRUE(IsKnownScheme("https"));
  EXPECT_TRUE(IsKnownScheme("gopher"));
  EXPECT_FALSE(IsKnownScheme("hxxp"));
  EXPECT_TRUE(IsProseLabel("then"));
  EXPECT_TRUE(IsNonWordSuffix("com"));
  EXPECT_FALSE(IsNonWordSuffix("kim"));
  EXPECT_TRUE(IsDotWordStopword("the"));
  EXPECT_TRUE(IsDotComEraWord("bubble"));
}

}  // namespace
}  // namespace commentd::text::links
