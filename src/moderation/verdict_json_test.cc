#include "moderation/verdict_json.h"

#include <gtest/gtest.h>

namespace commentd::moderation {
namespace {

using nlohmann::json;

Reason LinkReason() {
  Reason r;
  r.rule = Rule::kLink;
  r.span = {11, 35};
  r.match = "https://example.org/page";
  r.detail = "url";
  r.action = Decision::kDelete;
  r.score = 1.0;
  return r;
}

TEST(VerdictJsonTest, ReasonIsWrittenInTheShapeTheApiDocuments) {
  EXPECT_EQ(ReasonToJson(LinkReason()), json::parse(R"({"rule": "link", "start": 11, "end": 35,
                            "match": "https://example.org/page", "detail": "url",
                            "action": "delete", "score": 1.0})"));
}

TEST(VerdictJsonTest, ReasonsReadBackAsWritten) {
  Reason mild;
  mild.rule = Rule::kInappropriateLanguage;
  mild.span = {0, 4};
  mild.match = "darn";
  mild.detail = "profanity/mild";
  mild.action = Decision::kPublish;
  mild.score = 0.25;
  const std::vector<Reason> reasons = {LinkReason(), mild};
  auto read = ReasonsFromJson(ReasonsToJson(reasons));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  for (size_t i = 0; i < reasons.size(); ++i) {
    EXPECT_EQ((*read)[i].rule, reasons[i].rule);
    EXPECT_EQ((*read)[i].span.begin, reasons[i].span.begin);
    EXPECT_EQ((*read)[i].span.end, reasons[i].span.end);
    EXPECT_EQ((*read)[i].match, reasons[i].match);
    EXPECT_EQ((*read)[i].detail, reasons[i].detail);
    EXPECT_EQ((*read)[i].action, reasons[i].action);
    EXPECT_EQ((*read)[i].score, reasons[i].score);
  }
}

TEST(VerdictJsonTest, ReadsBeginAsStartInReasonsStoredBeforeOneCodec) {
  auto read = ReasonsFromJson(json::parse(
      R"([{"rule":"link","begin":12,"end":25,"match":"x.example.com","detail":"bare_domain",
           "action":"hold","score":1.0}])"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].span.begin, 12u);
  EXPECT_EQ((*read)[0].span.end, 25u);
  EXPECT_EQ((*read)[0].action, Decision::kHold);
}

TEST(VerdictJsonTest, AnEmptyArrayIsNoReasons) {
  auto read = ReasonsFromJson(json::array());
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
  EXPECT_EQ(ReasonsToJson({}), json::array());
}

TEST(VerdictJsonTest, ErrorsNameTheEntryAndTheField) {
  const json good = ReasonToJson(LinkReason());
  const auto with = [&](std::string_view field, json value) {
    json second = good;
    if (value.is_discarded()) {
      second.erase(std::string(field));
    } else {
      second[std::string(field)] = std::move(value);
    }
    return json::array({good, second});
  };
  const json kMissing(json::value_t::discarded);
  const struct {
    json reasons;
    std::string message;
  } kCases[] = {
      {json::object(), "reasons must be an array, got an object"},
      {json::array({good, 7}), "reasons[1] must be an object, got a number"},
      {with("rule", "spam"), "reasons[1].rule: 'spam' is not a rule"},
      {with("rule", kMissing), "reasons[1].rule is missing"},
      {with("start", kMissing), "reasons[1].start is missing"},
      {with("start", -1), "reasons[1].start must be a byte offset (a whole number from 0), got -1"},
      {with("end", "35"),
       "reasons[1].end must be a byte offset (a whole number from 0), got a string"},
      {with("end", 4294967296), "reasons[1].end must be a byte offset"},
      {with("end", 1.5), "reasons[1].end must be a byte offset"},
      {with("end", 3), "reasons[1] ends (byte 3) before it starts (byte 11)"},
      {with("match", nullptr), "reasons[1].match must be a string, got null"},
      {with("detail", json::array()), "reasons[1].detail must be a string, got an array"},
      {with("action", "ban"), "reasons[1].action: 'ban' is not a decision"},
      {with("score", "high"), "reasons[1].score must be a number, got a string"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.reasons.dump());
    auto read = ReasonsFromJson(c.reasons);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(read.status().message().substr(0, c.message.size()), c.message)
        << read.status().message();
  }
}

TEST(VerdictJsonTest, VerdictCarriesItsReasonsThroughTheReasonCodec) {
  Verdict v;
  v.decision = Decision::kDelete;
  v.reasons = {LinkReason()};
  v.scores.link = 1;
  v.policy_version = "p-1";
  const json j = VerdictToJson(v);
  EXPECT_EQ(j["decision"], "delete");
  EXPECT_EQ(j["reasons"], ReasonsToJson(v.reasons));
  EXPECT_EQ(j["scores"]["link"], 1.0);
  EXPECT_EQ(j["policy_version"], "p-1");
}

}  // namespace
}  // namespace commentd::moderation
