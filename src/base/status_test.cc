#include "base/status.h"

#include <gtest/gtest.h>

namespace commentd::base {
namespace {

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgumentError("field 'x': {} is not positive", x);
  return x;
}

Result<int> Doubled(int x) {
  COMMENTD_ASSIGN_OR_RETURN(int v, ParsePositive(x));
  return v * 2;
}

TEST(StatusTest, ErrorCarriesCodeAndFormattedMessage) {
  Status s = NotFoundError("thread '{}'", "abc");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: thread 'abc'");
  EXPECT_EQ(s.WithContext("line 3").message(), "line 3: thread 'abc'");
}

TEST(StatusTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Doubled(4), 8);
  Result<int> r = Doubled(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, ResultFromOkStatusIsAnInternalError) {
  Result<int> r{OkStatus()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(StatusDeathTest, ReadingTheValueOfAnErrorAbortsWithItsMessage) {
  Result<int> r = NotFoundError("thread '{}'", "abc");
  EXPECT_DEATH((void)r.value(), "value\\(\\) of an error: not_found: thread 'abc'");
  EXPECT_DEATH((void)*r, "not_found");
}

}  // namespace
}  // namespace commentd::base
