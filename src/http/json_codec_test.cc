#include "http/json_codec.h"

#include <gtest/gtest.h>

namespace commentd::http {
namespace {

TEST(JsonCodecTest, RejectsBodiesThatAreNotOneObject) {
  const struct {
    std::string body;
    const char* message_part;
  } kCases[] = {
      {"", "empty"},
      {"{\"text\": ", "not valid JSON at byte"},
      {"[1,2]", "must be a JSON object, got an array"},
      {"\"text\"", "got a string"},
      {"{\"text\":\"\xff\"}", "not valid JSON"},
      {"{} trailing", "not valid JSON"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.body);
    auto r = ParseObject(c.body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << r.status().message();
  }
}

TEST(JsonCodecTest, FieldReadersNameTheFieldAndTheTypeFound) {
  auto obj = ParseObject(R"({"text": 5, "ids": ["a", 2], "lang": null, "author": "kim"})");
  ASSERT_TRUE(obj.ok());
  auto text = RequiredString(*obj, "text");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "field 'text' must be a string, got a number");
  auto missing = RequiredString(*obj, "password");
  EXPECT_EQ(missing.status().message(), "field 'password' is required");
  auto ids = RequiredStringArray(*obj, "ids");
  EXPECT_EQ(ids.status().message(), "field 'ids[1]' must be a string, got a number");
  auto lang = OptionalString(*obj, "lang");
  ASSERT_TRUE(lang.ok());
  EXPECT_FALSE(lang->has_value());
  auto author = RequiredString(*obj, "author");
  ASSERT_TRUE(author.ok());
  EXPECT_EQ(*author, "kim");
}

TEST(JsonCodecTest, RefusesDeepNestingBeforeParsing) {
  // 100,000 levels would overflow the stack of a recursive parser.
  for (const std::string& body :
       {std::string(100000, '['), "{\"a\":" + std::string(100000, '{'),
        "{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}"}) {
    SCOPED_TRACE(body.substr(0, 40));
    auto r = ParseObject(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("deeper than 32 levels"), std::string::npos)
        << r.status().message();
  }
}

TEST(JsonCodecTest, AcceptsNestingUpToTheLimitAndBracketsInsideStrings) {
  const std::string nested =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_TRUE(ParseObject(nested).ok()) << ParseObject(nested).status().ToString();
  // Brackets (and an escaped quote before them) inside a string are text, not nesting.
  const std::string text = "{\"text\":\"\\\"" + std::string(1000, '[') + "\"}";
  auto r = ParseObject(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["text"].get<std::string>(), "\"" + std::string(1000, '['));
}

TEST(JsonCodecTest, RevisionsAreAnOptionalObjectOfWholeNumbersFromOne) {
  const auto read = [](std::string_view body) {
    auto object = ParseObject(body);
    EXPECT_TRUE(object.ok()) << body;
    return OptionalRevisions(*object, "revisions");
  };
  EXPECT_TRUE(read(R"({})")->empty());
  EXPECT_TRUE(read(R"({"revisions":null})")->empty());
  auto ok = read(R"({"revisions":{"c_1":1,"c_2":9007199254740992}})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->at("c_1"), 1);
  EXPECT_EQ(ok->at("c_2"), int64_t{1} << 53);
  for (const char* bad :
       {R"({"revisions":[1]})", R"({"revisions":{"c_1":0}})", R"({"revisions":{"c_1":-3}})",
        R"({"revisions":{"c_1":1.5}})", R"({"revisions":{"c_1":"2"}})",
        R"({"revisions":{"c_1":18446744073709551615}})",
        R"({"revisions":{"c_1":9007199254740993}})"}) {
    SCOPED_TRACE(bad);
    auto r = read(bad);
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("revisions"), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace commentd::http
