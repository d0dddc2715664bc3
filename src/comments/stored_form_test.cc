#include "comments/stored_form.h"

#include <gtest/gtest.h>

namespace commentd::comments {
namespace {

moderation::Reason HeldLink() {
  moderation::Reason r;
  r.rule = moderation::Rule::kLink;
  r.span = {12, 25};
  r.match = "x.example.com";
  r.detail = "bare_domain";
  r.action = moderation::Decision::kHold;
  return r;
}

TEST(StoredFormTest, ReasonsColumnUsesTheApiFieldNames) {
  EXPECT_EQ(ReasonsToJson({HeldLink()}),
            R"([{"action":"hold","detail":"bare_domain","end":25,"match":"x.example.com",)"
            R"("rule":"link","score":1.0,"start":12}])");
}

TEST(StoredFormTest, ReasonsColumnReadsRowsWrittenWithBeginAndWithStart) {
  for (const std::string& column :
       {std::string(R"([{"rule":"link","begin":12,"end":25,"match":"x.example.com",)"
                    R"("detail":"bare_domain","action":"hold","score":1.0}])"),
        ReasonsToJson({HeldLink()})}) {
    SCOPED_TRACE(column);
    auto reasons = ReasonsFromJson(column);
    ASSERT_TRUE(reasons.ok()) << reasons.status().ToString();
    ASSERT_EQ(reasons->size(), 1u);
    EXPECT_EQ((*reasons)[0].span.begin, 12u);
    EXPECT_EQ((*reasons)[0].span.end, 25u);
    EXPECT_EQ((*reasons)[0].match, "x.example.com");
    EXPECT_EQ((*reasons)[0].action, moderation::Decision::kHold);
  }
}

TEST(StoredFormTest, CorruptReasonsColumnIsAnInternalErrorNamingTheField) {
  const struct {
    std::string column;
    std::string message;
  } kCases[] = {
      {"", "corrupt reasons column: not JSON"},
      {"[{", "corrupt reasons column: not JSON"},
      {"{}", "corrupt reasons column: reasons must be an array, got an object"},
      {R"([{"rule":"link","end":25,"match":"","detail":"","action":"hold","score":1}])",
       "corrupt reasons column: reasons[0].start is missing"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.column);
    auto reasons = ReasonsFromJson(c.column);
    ASSERT_FALSE(reasons.ok());
    EXPECT_EQ(reasons.status().code(), base::StatusCode::kInternal);
    EXPECT_EQ(reasons.status().message(), c.message);
  }
}

TEST(StoredFormTest, DecidedByColumnReadsBackAndRefusesOtherValues) {
  for (DecidedBy d : {DecidedBy::kEngine, DecidedBy::kAuthor, DecidedBy::kModerator}) {
    EXPECT_EQ(*ParseDecidedBy(DecidedByColumn(d)), d);
  }
  EXPECT_EQ(ParseDecidedBy("robot").status().code(), base::StatusCode::kInternal);
}

}  // namespace
}  // namespace commentd::comments
