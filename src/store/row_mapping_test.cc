// The mappings both stores share, over a fake row: a stored comment, revision,
// audit entry and session read back to their values; a corrupt value is an
// error naming it; the queue conditions and the paging rule.
#include "store/row_mapping.h"

#include <gtest/gtest.h>

#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace commentd::store {
namespace {

// A row of text values (NULL as nullopt), integers parsed on demand.
class FakeRow final : public Row {
 public:
  explicit FakeRow(std::vector<std::optional<std::string>> values) : values_(std::move(values)) {}
  bool IsNull(int col) const override { return !values_.at(static_cast<size_t>(col)).has_value(); }
  base::Result<int64_t> Int(int col) const override {
    const std::string text = Text(col);
    int64_t v = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (error != std::errc() || end != text.data() + text.size()) {
      return base::InternalError("column {} is not an integer: {}", col, text);
    }
    return v;
  }
  std::string Text(int col) const override {
    return values_.at(static_cast<size_t>(col)).value_or("");
  }
  bool Bool(int col) const override { return Text(col) == "t"; }

 private:
  std::vector<std::optional<std::string>> values_;
};

std::vector<std::optional<std::string>> StoredComment() {
  return {"7",       "c_1",        "nk/1",    std::nullopt, "reader", "h",         "hello",
          "en",      "published",  "publish", "[]",         "v1",     "moderator", "alice",
          "1000000", std::nullopt, "3000000", "tok",        "2",      "hash",      "3"};
}

TEST(RowMappingTest, ReadsAStoredComment) {
  auto c = CommentFromRow(FakeRow(StoredComment()));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->seq, 7);
  EXPECT_EQ(c->id, "c_1");
  EXPECT_FALSE(c->parent_id.has_value());
  EXPECT_EQ(c->state, comments::CommentState::kPublished);
  EXPECT_EQ(c->engine_decision, moderation::Decision::kPublish);
  EXPECT_EQ(c->decided_by, comments::DecidedBy::kModerator);
  EXPECT_EQ(c->decided_by_moderator, "alice");
  EXPECT_EQ(base::ToUnixMicros(c->created_at), 1000000);
  EXPECT_FALSE(c->edited_at.has_value());
  EXPECT_EQ(base::ToUnixMicros(c->decided_at), 3000000);
  EXPECT_EQ(c->open_reports, 2);
  EXPECT_EQ(c->text_hash, "hash");
  EXPECT_EQ(c->revision, 3);
}

TEST(RowMappingTest, ACommentWithAnUnknownStateIsAnError) {
  auto values = StoredComment();
  values[8] = "vanished";
  EXPECT_FALSE(CommentFromRow(FakeRow(values)).ok());
  values = StoredComment();
  values[0] = "not a number";
  EXPECT_EQ(CommentFromRow(FakeRow(values)).status().code(), base::StatusCode::kInternal);
}

TEST(RowMappingTest, ReadsARevisionWithItsBooleanInTheStoresForm) {
  auto r =
      RevisionFromRow(FakeRow({"c_1", "2", "edited", "en", "hold", "[]", "v2", "5000000", "t"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->number, 2);
  EXPECT_EQ(r->engine_decision, moderation::Decision::kHold);
  EXPECT_EQ(base::ToUnixMicros(r->created_at), 5000000);
  EXPECT_TRUE(r->became_current);
}

TEST(RowMappingTest, AnUnknownAuditActionNamesTheStore) {
  auto bad =
      AuditEntryFromRow(FakeRow({"1", "0", "alice", "teleport", "c_1", "bob", ""}), "sqlite");
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInternal);
  EXPECT_NE(bad.status().message().find("sqlite: corrupt audit action \"teleport\""),
            std::string::npos)
      << bad.status().message();
}

TEST(RowMappingTest, ReadsASession) {
  auto s = SessionFromRow(FakeRow({"tok", "alice", "csrf", "1", "2"}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->moderator, "alice");
  EXPECT_EQ(base::ToUnixMicros(s->expires_at), 2);
}

TEST(RowMappingTest, TheReportedQueueTestsResolvedInEachDialect) {
  EXPECT_NE(
      QueueCondition(comments::Queue::kReported, schema::Dialect::kSqlite).find("r.resolved = 0"),
      std::string::npos);
  EXPECT_NE(
      QueueCondition(comments::Queue::kReported, schema::Dialect::kPostgres).find("NOT r.resolved"),
      std::string::npos);
  EXPECT_EQ(QueueCondition(comments::Queue::kHeld, schema::Dialect::kSqlite), "c.state = 'held'");
  EXPECT_NE(CommentColumns(schema::Dialect::kPostgres).find("NOT r.resolved), c.text_hash"),
            std::string::npos);
}

TEST(RowMappingTest, APageKeepsLimitRowsAndPointsAfterTheLastWhenThereAreMore) {
  auto full = PageOf(std::vector<int>{9, 8, 7}, 2, [](int v) { return int64_t{v}; });
  EXPECT_EQ(full.items, (std::vector<int>{9, 8}));
  ASSERT_TRUE(full.next.has_value());
  EXPECT_EQ(full.next->seq, 8);
  auto last = PageOf(std::vector<int>{9, 8}, 2, [](int v) { return int64_t{v}; });
  EXPECT_EQ(last.items.size(), 2u);
  EXPECT_FALSE(last.next.has_value());
  EXPECT_EQ(CheckLimit(0).code(), base::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckLimit(1).ok());
}

TEST(RowMappingTest, ACommentIsWrittenAsItIsReadBack) {
  auto read = CommentFromRow(FakeRow(StoredComment()));
  ASSERT_TRUE(read.ok());
  const std::vector<Value> insert = CommentInsertValues(*read);
  ASSERT_EQ(insert.size(), 21u);
  EXPECT_EQ(insert[0], Value(std::string("c_1")));
  EXPECT_EQ(insert[2], Value(nullptr)) << "no parent is NULL";
  EXPECT_EQ(insert[7], Value(std::string("published")));
  EXPECT_EQ(insert[11], Value(false)) << "hit_link of a comment without reasons";
  EXPECT_EQ(insert[14], Value(std::string("moderator")));
  EXPECT_EQ(insert[16], Value(int64_t{1000000}));
  EXPECT_EQ(insert[17], Value(nullptr)) << "never edited is NULL";
  EXPECT_EQ(insert[20], Value(std::string("hash")));
  const std::vector<Value> update = CommentUpdateValues(*read);
  ASSERT_EQ(update.size(), 15u);
  EXPECT_EQ(update[0], Value(std::string("hello")));
  EXPECT_EQ(update[14], Value(int64_t{3})) << "the revision comes last";
}

TEST(RowMappingTest, RevisionAuditAndBanValuesFollowTheirColumns) {
  comments::Revision r;
  r.text = "t";
  r.became_current = true;
  const std::vector<Value> revision = RevisionValues("c_1", 2, r);
  ASSERT_EQ(revision.size(), 9u);
  EXPECT_EQ(revision[0], Value(std::string("c_1")));
  EXPECT_EQ(revision[1], Value(int64_t{2}));
  EXPECT_EQ(revision[8], Value(true));
  comments::AuditEntry e;
  e.action = comments::AuditAction::kBan;
  e.moderator = "alice";
  EXPECT_EQ(AuditValues(e)[2], Value(std::string(comments::AuditActionName(e.action))));
  comments::Ban ban{"reader", "ip", "alice", "spam", base::FromUnixMicros(5), "key"};
  EXPECT_EQ(BanValues(ban),
            (std::vector<Value>{std::string("reader"), std::string("ip"), std::string("alice"),
                                std::string("spam"), int64_t{5}, std::string("key")}));
}

}  // namespace
}  // namespace commentd::store
