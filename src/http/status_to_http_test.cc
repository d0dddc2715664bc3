#include "http/status_to_http.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace commentd::http {
namespace {

using base::StatusCode;

TEST(StatusToHttpTest, MapsEveryCodeToItsHttpStatus) {
  const struct {
    StatusCode code;
    int http;
    const char* name;
  } kCases[] = {
      {StatusCode::kInvalidArgument, 400, "invalid_argument"},
      {StatusCode::kUnauthenticated, 401, "unauthenticated"},
      {StatusCode::kPermissionDenied, 403, "permission_denied"},
      {StatusCode::kNotFound, 404, "not_found"},
      {StatusCode::kAlreadyExists, 409, "already_exists"},
      {StatusCode::kFailedPrecondition, 409, "failed_precondition"},
      {StatusCode::kResourceExhausted, 429, "resource_exhausted"},
      {StatusCode::kUnavailable, 503, "unavailable"},
      {StatusCode::kInternal, 500, "internal"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    HttpReply reply = StatusToHttp(base::Status(c.code, "what and where"));
    EXPECT_EQ(reply.status, c.http);
    auto body = nlohmann::json::parse(reply.body);
    EXPECT_EQ(body["error"]["code"], c.name);
    EXPECT_EQ(body["error"]["message"], "what and where");
  }
}

TEST(StatusToHttpTest, PayloadTooLargeIs413WithBothSizes) {
  HttpReply reply = PayloadTooLarge(70000, 65536);
  EXPECT_EQ(reply.status, 413);
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body["error"]["code"], "payload_too_large");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("70000"), std::string::npos);
  EXPECT_NE(body["error"]["message"].get<std::string>().find("65536"), std::string::npos);
}

TEST(StatusToHttpTest, DecisionsMapToCreatedAcceptedUnprocessable) {
  EXPECT_EQ(DecisionToHttp(moderation::Decision::kPublish, true), 201);
  EXPECT_EQ(DecisionToHttp(moderation::Decision::kPublish, false), 200);
  EXPECT_EQ(DecisionToHttp(moderation::Decision::kHold, true), 202);
  EXPECT_EQ(DecisionToHttp(moderation::Decision::kDelete, false), 422);
}

TEST(StatusToHttpTest, ErrorBodyStaysValidJsonForInvalidUtf8InMessage) {
  const std::string body = ErrorBody("invalid_argument", "bad \xff byte");
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["error"]["code"], "invalid_argument");
}

}  // namespace
}  // namespace commentd::http
