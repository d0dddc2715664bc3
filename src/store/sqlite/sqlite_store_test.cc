// SqliteStore: the store contract and the comment service suites run
// against it, plus what only a file-backed store has: migrations, reopening,
// WAL mode and refusing a schema from the future.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "comments/comment_service_test.h"
#include "comments/store_contract_test.h"

namespace commentd::store {
namespace {

using comments::testing::ScratchDir;
using comments::testing::StoreBackend;
using comments::testing::StoreContractTest;
using comments::testing::CommentServiceTest;

base::Result<std::unique_ptr<comments::Store>> MakeSqliteStore(const std::string& dir) {
  COMMENTD_ASSIGN_OR_RETURN(auto store, SqliteStore::Create(dir + "/commentd.db"));
  return std::unique_ptr<comments::Store>(std::move(store));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreBackend{"sqlite", MakeSqliteStore}),
                         comments::testing::StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, CommentServiceTest,
                         ::testing::Values(StoreBackend{"sqlite", MakeSqliteStore}),
                         comments::testing::StoreBackendName);

// Runs one query on the file with a plain connection and returns the first
// column of the first row as text.
std::string QueryOne(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      }
    } else {
      out = std::string("error: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

TEST(SqliteStoreTest, MigratesAnEmptyFileToTheLatestSchema) {
  ScratchDir dir;
  const std::string path = dir.path() + "/new.db";
  ASSERT_FALSE(std::filesystem::exists(path));
  auto store = SqliteStore::Create(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, SqliteStore::LatestSchemaVersion());
  EXPECT_GE(*version, 1);
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  EXPECT_EQ(QueryOne(path, "PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  ScratchDir dir;
  const std::string path = dir.path() + "/reopen.db";
  {
    auto store = SqliteStore::Create(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto c = comments::testing::MakeComment("c_keep", "t", comments::CommentState::kPublished);
    ASSERT_TRUE((*store)->InsertComment(c).ok());
    ASSERT_TRUE((*store)->GetOrInsertSetting("site_key", "first").ok());
  }
  auto reopened = SqliteStore::Create(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto c = (*reopened)->GetComment("c_keep");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->thread, "t");
  EXPECT_EQ(*(*reopened)->GetOrInsertSetting("site_key", "second"), "first");
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  // New rows continue the sequence instead of reusing it.
  auto next = (*reopened)->InsertComment(
      comments::testing::MakeComment("c_next", "t", comments::CommentState::kPublished));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->seq, c->seq);
}

TEST(SqliteStoreTest, RefusesASchemaNewerThanThisBuild) {
  ScratchDir dir;
  const std::string path = dir.path() + "/future.db";
  { ASSERT_TRUE(SqliteStore::Create(path).ok()); }
  EXPECT_EQ(QueryOne(path,
                     "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0) "
                     "RETURNING version"),
            "999");
  auto store = SqliteStore::Create(path);
  EXPECT_EQ(store.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST(SqliteStoreTest, UnopenablePathIsUnavailable) {
  ScratchDir dir;
  auto store = SqliteStore::Create(dir.path() + "/no/such/dir/x.db");
  EXPECT_EQ(store.status().code(), base::StatusCode::kUnavailable);
  EXPECT_NE(store.status().message().find("no/such/dir"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(SqliteStore::Create("").status().code(), base::StatusCode::kInvalidArgument);
}

TEST(SqliteStoreTest, NotASqliteFileIsRefused) {
  ScratchDir dir;
  const std::string path = dir.path() + "/garbage.db";
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    for (int i = 0; i < 200; ++i) std::fputs("this is not a database file. ", f);
    std::fclose(f);
  }
  auto store = SqliteStore::Create(path);
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace commentd::store
