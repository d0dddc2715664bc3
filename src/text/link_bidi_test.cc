#include "text/link_bidi.h"

#include <gtest/gtest.h>

#include <string>

namespace commentd::text::links {
namespace {

TEST(LinkBidiTest, NoOverrideMeansNoRuns) {
  EXPECT_TRUE(OverrideRuns("").empty());
  EXPECT_TRUE(OverrideRuns("see example.com \u200F now").empty());
}

TEST(LinkBidiTest, AnOverrideRunsToItsPopOrTheParagraphEnd) {
  const std::string popped = "a \u202Emoc.elpmaxe\u202C b";
  auto runs = OverrideRuns(popped);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(popped.substr(runs[0].begin, runs[0].size()), "moc.elpmaxe");

  const std::string open = "a \u202Emoc.elpmaxe\nnext";
  runs = OverrideRuns(open);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(open.substr(runs[0].begin, runs[0].size()), "moc.elpmaxe");
}

TEST(LinkBidiTest, ABidiControlInsideASpanTouchesIt) {
  const std::string text = "go to \u200Fexample.com";
  EXPECT_TRUE(TouchesBidi(text, Span{6, static_cast<uint32_t>(text.size())}, {}));
  EXPECT_FALSE(TouchesBidi(text, Span{0, 2}, {}));
  EXPECT_TRUE(TouchesBidi("abcdef", Span{1, 3}, {Span{2, 5}}));
}

}  // namespace
}  // namespace commentd::text::links
