// CopySqliteToPostgres: a site written through SqliteStore reads back the
// same through PostgresStore, every table verified; a non-empty target, a
// file that is not commentd's and a SQLite schema from another version are
// refused without writing anything.
#include "store/migrate/sqlite_copy.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <set>
#include <string>

#include "comments/store_contract_test.h"
#include "store/postgres/pg_test_support.h"
#include "store/postgres/postgres_store.h"
#include "store/schema.h"
#include "store/sqlite/sqlite_store.h"

namespace commentd::comments::testing {
// Only MakeComment and friends are used here, not the suite itself.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreContractTest);
}  // namespace commentd::comments::testing

namespace commentd::store {
namespace {

using comments::CommentState;
using comments::testing::At;
using comments::testing::kDay0;
using comments::testing::MakeComment;
using comments::testing::ScratchDir;
using testing::PgQuery;
using testing::PgSchema;

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::PgEnvironment);

std::string One(const std::string& url, const std::string& sql) {
  auto r = PgQuery(url, sql);
  return r.ok() ? *r : "error: " + r.status().ToString();
}

// Fills a SQLite site with at least one row of every table and every kind of
// value: NULLs, a reply, reasons, non-ASCII text, binary settings, resolved
// and open reports.
void FillSite(SqliteStore& s) {
  comments::Comment a = MakeComment("c_a", "nk/summit", CommentState::kDeleted);
  a.text = "see spam.example.com 한국어 中文 日本語";
  a.reasons.push_back(moderation::Reason{moderation::Rule::kLink, text::Span{4, 20},
                                         "spam.example.com", "bare_domain",
                                         moderation::Decision::kDelete, 1.0});
  a.edited_at = At(kDay0 + 60);
  ASSERT_TRUE(s.InsertComment(a).ok());
  comments::Comment b = MakeComment("c_b", "nk/summit", CommentState::kPublished, At(kDay0 + 5));
  b.parent_id = "c_a";
  ASSERT_TRUE(s.InsertComment(b).ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(
        s.InsertComment(MakeComment(fmt::format("c_{}", i), fmt::format("t{}", i % 3),
                                    i % 2 == 0 ? CommentState::kPublished : CommentState::kHeld,
                                    At(kDay0 + i * 3600)))
            .ok());
  }
  ASSERT_TRUE(s.AddReport({"c_b", "rude", "h1", At(kDay0 + 7)}).ok());
  ASSERT_TRUE(s.AddReport({"c_0", "spam", "h2", At(kDay0 + 8)}).ok());
  auto banned = s.UpdateComment(
      "c_0", [](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
        c.state = CommentState::kDeleted;
        c.decided_by = comments::DecidedBy::kModerator;
        c.decided_by_moderator = "alice";
        comments::CommentUpdateEffects e;
        e.ban = comments::Ban{c.author.name, c.author.ip_hash, "alice",
                              "spam",        At(kDay0 + 9),    "key-of-reader"};
        e.audit = comments::AuditEntry{0,    At(kDay0 + 9), "alice", comments::AuditAction::kBan,
                                       c.id, c.author.name, "spam"};
        e.resolve_reports = true;
        return e;
      });
  ASSERT_TRUE(banned.ok()) << banned.status().ToString();
  // Revisions: a refused edit kept beside the published text, then an accepted one.
  for (const bool current : {false, true}) {
    auto edited = s.UpdateComment(
        "c_b", [&](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
          comments::Revision r = comments::CurrentRevisionOf(c);
          r.text = current ? "an accepted edit" : "a refused edit";
          r.created_at = At(kDay0 + 10);
          r.became_current = current;
          if (current) c.text = r.text;
          comments::CommentUpdateEffects e;
          e.revision = r;
          return e;
        });
    ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  }
  const comments::AuditEntry add{0,  At(kDay0), "cli", comments::AuditAction::kModeratorAdd,
                                 "", "alice",   ""};
  ASSERT_TRUE(s.InsertModerator({"alice", "$argon2id$v=19$x", At(kDay0)}, add).ok());
  ASSERT_TRUE(s.InsertModerator({"Bob", "$argon2id$v=19$y", At(kDay0)}, add).ok());
  ASSERT_TRUE(s.InsertSession({"tok1", "alice", "csrf1", At(kDay0), At(kDay0 + 3600)}).ok());
  ASSERT_TRUE(s.GetOrInsertSetting("site_key", std::string("\x00\x01\xff\x7f key", 8)).ok());
  ASSERT_TRUE(
      s.InsertPolicy("[link]\naction = \"hold\"\n", "alice", At(kDay0 + 10),
                     {0, At(kDay0 + 10), "alice", comments::AuditAction::kPolicySet, "", "", ""})
          .ok());
}

// Every "table.column" of the SQLite file at `path`, sorted, as one text.
std::string SqliteColumns(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT m.name || '.' || p.name FROM sqlite_master m, "
                           "pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT IN "
                           "('schema_migrations', 'sqlite_sequence') ORDER BY 1",
                           -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) + "\n";
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

TEST(SqliteCopyTest, CopiesEveryTableAndTheStoreReadsItBack) {
  ScratchDir dir;
  const std::string path = dir.path() + "/site.db";
  {
    auto sqlite = SqliteStore::Create(path);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
    FillSite(**sqlite);
  }
  PgSchema schema("copy");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  auto copied = CopySqliteToPostgres(path, schema.url());
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();

  std::set<std::string> tables;
  for (const TableCopy& t : *copied) {
    tables.insert(t.table);
    EXPECT_EQ(t.checksum.size(), 64u) << t.table;
    EXPECT_EQ(One(schema.url(), fmt::format("SELECT COUNT(*) FROM {}", t.table)),
              std::to_string(t.rows))
        << t.table;
  }
  EXPECT_EQ(tables, (std::set<std::string>{"settings", "comments", "comment_revisions", "reports",
                                           "bans", "audit", "moderators", "sessions", "policies"}));
  // Every table of the description, every column the SQLite file has.
  std::set<std::string> described;
  for (const schema::Table& t : schema::Tables()) described.insert(std::string(t.name));
  EXPECT_EQ(tables, described);
  for (const TableCopy& t : *copied) {
    EXPECT_GT(t.rows, 0) << t.table << ": FillSite left it empty, so its columns are not checked";
  }
  const std::string sqlite_columns = SqliteColumns(path);
  ASSERT_FALSE(sqlite_columns.empty());
  EXPECT_EQ(One(schema.url(),
                "SELECT string_agg(table_name || '.' || column_name || E'\n', '' ORDER BY "
                "(table_name || '.' || column_name) COLLATE \"C\") FROM "
                "information_schema.columns WHERE table_schema = current_schema() AND "
                "table_name <> 'schema_migrations'"),
            sqlite_columns);
  EXPECT_EQ((*copied)[1].table, "comments");
  EXPECT_EQ((*copied)[1].rows, 32);

  auto sqlite = SqliteStore::Create(path);
  ASSERT_TRUE(sqlite.ok());
  auto pg = PostgresStore::Open(schema.url(), 2);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  for (const char* thread : {"nk/summit", "t0", "t1", "t2"}) {
    SCOPED_TRACE(thread);
    auto want = (*sqlite)->ListThread(thread);
    auto got = (*pg)->ListThread(thread);
    ASSERT_TRUE(want.ok() && got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), want->size());
    for (size_t i = 0; i < got->size(); ++i) {
      const comments::Comment& w = (*want)[i];
      const comments::Comment& g = (*got)[i];
      EXPECT_EQ(g.seq, w.seq);
      EXPECT_EQ(g.id, w.id);
      EXPECT_EQ(g.parent_id, w.parent_id);
      EXPECT_EQ(g.text, w.text);
      EXPECT_EQ(g.state, w.state);
      EXPECT_EQ(g.reasons.size(), w.reasons.size());
      EXPECT_EQ(g.DecidedByName(), w.DecidedByName());
      EXPECT_EQ(g.created_at, w.created_at);
      EXPECT_EQ(g.edited_at, w.edited_at);
      EXPECT_EQ(g.open_reports, w.open_reports);
      EXPECT_EQ(g.revision, w.revision);
      auto want_revisions = (*sqlite)->ListRevisions(w.id);
      auto got_revisions = (*pg)->ListRevisions(g.id);
      ASSERT_TRUE(want_revisions.ok() && got_revisions.ok()) << got_revisions.status().ToString();
      ASSERT_EQ(got_revisions->size(), want_revisions->size());
      for (size_t r = 0; r < got_revisions->size(); ++r) {
        EXPECT_EQ((*got_revisions)[r].number, (*want_revisions)[r].number);
        EXPECT_EQ((*got_revisions)[r].text, (*want_revisions)[r].text);
        EXPECT_EQ((*got_revisions)[r].became_current, (*want_revisions)[r].became_current);
      }
    }
  }
  EXPECT_EQ(*(*pg)->GetOrInsertSetting("site_key", "new"), std::string("\x00\x01\xff\x7f key", 8));
  EXPECT_TRUE(*(*pg)->IsBanned("reader", ""));
  EXPECT_TRUE(*(*pg)->IsBanned("someone else", "key-of-reader", ""));
  EXPECT_EQ((*pg)->GetSession("tok1")->csrf_token, "csrf1");
  EXPECT_EQ((*pg)->GetPolicy()->revision, 1);
  EXPECT_EQ((*pg)->GetPolicy()->toml, "[link]\naction = \"hold\"\n");
  EXPECT_EQ((*pg)->ListModerators()->size(), 2u);
  EXPECT_EQ((*pg)->ListQueue(comments::Queue::kReported, std::nullopt, 10)->items.size(), 1u);
  auto audit = (*pg)->ListAudit(std::nullopt, 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->items.size(), (*sqlite)->ListAudit(std::nullopt, 10)->items.size());
  EXPECT_EQ(audit->items[0].id, (*sqlite)->ListAudit(std::nullopt, 10)->items[0].id);

  // New rows continue after the copied ids instead of colliding with them.
  auto next = (*pg)->InsertComment(MakeComment("c_new", "t0", CommentState::kPublished));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_GT(next->seq, 32);
  ASSERT_TRUE((*pg)
                  ->AppendAudit(
                      {0, At(kDay0), "bob", comments::AuditAction::kDelete, "c_new", "reader", ""})
                  .ok());
  EXPECT_GT((*pg)->ListAudit(std::nullopt, 1)->items[0].id, audit->items[0].id);
}

TEST(SqliteCopyTest, RefusesATargetThatHasData) {
  ScratchDir dir;
  const std::string path = dir.path() + "/site.db";
  {
    auto sqlite = SqliteStore::Create(path);
    ASSERT_TRUE(sqlite.ok());
    ASSERT_TRUE((*sqlite)->InsertComment(MakeComment("c_1", "t", CommentState::kPublished)).ok());
  }
  PgSchema schema("copytwice");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  ASSERT_TRUE(CopySqliteToPostgres(path, schema.url()).ok());
  auto again = CopySqliteToPostgres(path, schema.url());
  EXPECT_EQ(again.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("comments already has 1 rows"), std::string::npos)
      << again.status().message();
  EXPECT_EQ(One(schema.url(), "SELECT COUNT(*) FROM comments"), "1");
}

TEST(SqliteCopyTest, RefusesFilesThatAreNotACommentdSite) {
  ScratchDir dir;
  PgSchema schema("copybad");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  auto missing = CopySqliteToPostgres(dir.path() + "/none.db", schema.url());
  EXPECT_EQ(missing.status().code(), base::StatusCode::kUnavailable) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("none.db"), std::string::npos);

  // A SQLite file of some other program.
  const std::string other = dir.path() + "/other.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE notes (x TEXT)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto foreign = CopySqliteToPostgres(other, schema.url());
  EXPECT_EQ(foreign.status().code(), base::StatusCode::kInvalidArgument)
      << foreign.status().ToString();
  EXPECT_NE(foreign.status().message().find("not a commentd SQLite database"), std::string::npos)
      << foreign.status().message();
  std::ofstream(dir.path() + "/garbage.db") << "not a database at all, not even close......";
  auto garbage = CopySqliteToPostgres(dir.path() + "/garbage.db", schema.url());
  EXPECT_FALSE(garbage.ok());
  EXPECT_EQ(One(schema.url(),
                "SELECT COUNT(*) FROM information_schema.tables WHERE "
                "table_schema = current_schema() AND table_name = 'comments'"),
            "0")
      << "a refused copy created the schema";
}

TEST(SqliteCopyTest, KnowsTheCurrentSqliteSchema) {
  // The copier takes its tables from the schema description, so it copies
  // exactly the version SqliteStore creates.
  EXPECT_EQ(CopiedSqliteSchemaVersion(), SqliteStore::LatestSchemaVersion());
}

}  // namespace
}  // namespace commentd::store
