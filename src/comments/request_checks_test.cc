#include "comments/request_checks.h"

#include <gtest/gtest.h>

#include <string>

namespace commentd::comments {
namespace {

TEST(RequestChecksTest, TrimAsciiSpaceDropsOnlySurroundingAsciiWhiteSpace) {
  EXPECT_EQ(TrimAsciiSpace(" \t\r\n\f\vname \n"), "name");
  EXPECT_EQ(TrimAsciiSpace("a b"), "a b");
  EXPECT_EQ(TrimAsciiSpace("   "), "");
  // NBSP is not ASCII white space: names keep it for NameKey to judge.
  EXPECT_EQ(TrimAsciiSpace("\xC2\xA0name"), "\xC2\xA0name");
}

TEST(RequestChecksTest, LimitOutsideOneToMaxNamesTheLimitField) {
  EXPECT_TRUE(ValidateLimit(1, 200).ok());
  EXPECT_TRUE(ValidateLimit(200, 200).ok());
  for (const int bad : {0, -1, 201}) {
    const base::Status s = ValidateLimit(bad, 200);
    EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().substr(0, 6), "limit:") << s.message();
  }
}

TEST(RequestChecksTest, ReasonIsBoundedInBytesAndMustBeUtf8) {
  EXPECT_TRUE(ValidateReason("", 10).ok());
  EXPECT_TRUE(ValidateReason(std::string(10, 'a'), 10).ok());
  const base::Status long_reason = ValidateReason(std::string(11, 'a'), 10);
  EXPECT_EQ(long_reason.code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(long_reason.message().substr(0, 7), "reason:") << long_reason.message();
  const base::Status bad_utf8 = ValidateReason("bad \xC3\x28", 10);
  EXPECT_EQ(bad_utf8.code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_utf8.message().find("reason"), std::string::npos) << bad_utf8.message();
}

TEST(RequestChecksTest, AfterDecodesACursorAndIsAbsentWhenEmpty) {
  auto none = DecodeAfter("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto some = DecodeAfter(Cursor{42}.Encode());
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  ASSERT_TRUE(some->has_value());
  EXPECT_EQ((*some)->seq, 42);
  auto bad = DecodeAfter("garbage");
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().substr(0, 6), "after:") << bad.status().message();
}

}  // namespace
}  // namespace commentd::comments
