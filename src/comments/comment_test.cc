#include "comments/comment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace commentd::comments {
namespace {

TEST(CursorTest, RoundTripsThroughItsEncoding) {
  for (int64_t seq : {int64_t{1}, int64_t{15}, int64_t{1} << 40}) {
    SCOPED_TRACE(seq);
    auto decoded = Cursor::Decode(Cursor{seq}.Encode());
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->seq, seq);
  }
}

TEST(CursorTest, RejectsWhatItDidNotIssueNamingTheField) {
  for (std::string bad : {"", "k1.", "k1.0", "k1.-5", "k1.ZZ", "k1.0a", "k1.A", "k2.10", "12",
                          "k1.10 ", "k1.1111111111111111"}) {
    SCOPED_TRACE(bad);
    auto r = Cursor::Decode(bad, "after");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().substr(0, 6), "after:");
  }
}

TEST(ThreadKeyTest, AcceptsThePublishersAlphabetOnly) {
  EXPECT_TRUE(ValidateThreadKey("nk/2026/11/summit-talks_v2.html~a:b").ok());
  EXPECT_TRUE(ValidateThreadKey(std::string(200, 'a')).ok());
  struct Case {
    std::string key;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"", "empty"},           {std::string(201, 'a'), "201 bytes"},
      {"has space", "byte 3"}, {"percent%20", "byte 7"},
      {"한국", "byte 0"},      {"q?x=1", "byte 1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    const base::Status s = ValidateThreadKey(c.key, "thread");
    EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().substr(0, 7), "thread:");
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
  }
}

TEST(NamesTest, ParseInvertsName) {
  for (auto q : {Queue::kHeld, Queue::kDeleted, Queue::kReported, Queue::kPublished}) {
    EXPECT_EQ(*ParseQueue(QueueName(q)), q);
  }
  for (auto a : {ModAction::kApprove, ModAction::kDelete, ModAction::kRestore, ModAction::kBan}) {
    EXPECT_EQ(*ParseModAction(ModActionName(a)), a);
  }
  for (auto s : {CommentState::kPublished, CommentState::kHeld, CommentState::kDeleted}) {
    EXPECT_EQ(*ParseCommentState(CommentStateName(s)), s);
  }
  auto bad = ParseQueue("spam");
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("held|deleted|reported|published"), std::string::npos);
  EXPECT_EQ(*ParseSortOrder("newest"), SortOrder::kNewest);
  EXPECT_FALSE(ParseSortOrder("random").ok());
}

}  // namespace
}  // namespace commentd::comments
