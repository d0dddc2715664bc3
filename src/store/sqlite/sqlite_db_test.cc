// The SQLite adapter: result codes become the right Status, a bind error
// surfaces at Step, and a cached statement is reset for its next use.
#include "store/sqlite/sqlite_db.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace commentd::store::sqlite {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("sqlite_db_test_" +
              std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())))
                .string();
    std::filesystem::remove(path_);
    auto conn = Connection::Open(path_, 5000);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    ASSERT_TRUE(conn_->Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)").ok());
  }
  void TearDown() override {
    conn_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  std::string path_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(SqliteDbTest, OpensInWalModeWithForeignKeys) {
  auto s = conn_->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(*s->Step());
  EXPECT_EQ(s->Text(0), "wal");
  auto fk = conn_->Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk.ok());
  ASSERT_TRUE(*fk->Step());
  EXPECT_EQ(fk->Int(0), 1);
}

TEST_F(SqliteDbTest, DuplicateKeyIsAlreadyExists) {
  for (int i = 0; i < 2; ++i) {
    auto s = conn_->Prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    ASSERT_TRUE(s.ok());
    s->Bind("a").BindBlob(std::string("\0\1", 2));
    base::Status run = s->Run();
    if (i == 0) {
      ASSERT_TRUE(run.ok()) << run.ToString();
    } else {
      EXPECT_EQ(run.code(), base::StatusCode::kAlreadyExists) << run.ToString();
      EXPECT_EQ(run.message().rfind("sqlite: ", 0), 0u) << run.message();
    }
  }
  EXPECT_EQ(conn_->Changes(), 0);
}

TEST_F(SqliteDbTest, ABindPastTheLastParameterFailsTheStep) {
  auto s = conn_->Prepare("SELECT ?");
  ASSERT_TRUE(s.ok());
  s->Bind(int64_t{1}).Bind(int64_t{2});
  auto row = s->Step();
  EXPECT_FALSE(row.ok());
  EXPECT_NE(row.status().message().find("bind"), std::string::npos) << row.status().message();
}

TEST_F(SqliteDbTest, ACachedStatementStartsOverAtItsNextUse) {
  for (const std::string value : {"first", "second"}) {
    auto s = conn_->Prepare("SELECT ?, ? IS NULL");
    ASSERT_TRUE(s.ok());
    s->Bind(value);
    ASSERT_TRUE(*s->Step());
    EXPECT_EQ(s->Text(0), value);
    EXPECT_EQ(s->Int(1), 1) << "an unbound parameter is NULL";
  }
}

TEST_F(SqliteDbTest, UnopenablePathIsUnavailable) {
  auto conn = Connection::Open("/nonexistent-dir/x/y.db", 5000);
  EXPECT_EQ(conn.status().code(), base::StatusCode::kUnavailable);
  EXPECT_NE(conn.status().message().find("/nonexistent-dir/x/y.db"), std::string::npos);
}

TEST_F(SqliteDbTest, AutocommitIsFalseInsideATransaction) {
  EXPECT_TRUE(conn_->Autocommit());
  ASSERT_TRUE(conn_->Exec("BEGIN").ok());
  EXPECT_FALSE(conn_->Autocommit());
  ASSERT_TRUE(conn_->Exec("ROLLBACK").ok());
  EXPECT_TRUE(conn_->Autocommit());
}

}  // namespace
}  // namespace commentd::store::sqlite
