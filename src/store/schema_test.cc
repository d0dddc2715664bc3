// The schema description: the migrations it renders are, statement for
// statement, the ones commentd shipped before it (testdata/store/*.sql), so
// existing databases upgrade exactly as before; and a SQLite database built
// from it has every table and column of the description, with its types.
// (The PostgreSQL side against a server: postgres_store_test.)
#include "store/schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/status.h"

namespace commentd::store::schema {
namespace {

// `sql` with every run of whitespace made one space and none before ')'
// or ',' or after '('.
std::string Squeeze(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space && c != ')' && c != ',' && out.back() != '(') out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The statements of `sql`, squeezed and sorted: the same set in any order.
std::vector<std::string> Statements(std::string_view sql) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find(';', start);
    if (end == std::string_view::npos) end = sql.size();
    std::string s = Squeeze(sql.substr(start, end - start));
    if (!s.empty()) out.push_back(std::move(s));
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The migrations of a shipped-migrations file, by number ("-- migration N").
std::map<int, std::string> ShippedMigrations(const std::string& name) {
  std::ifstream in(std::string(COMMENTD_SOURCE_DIR) + "/testdata/store/" + name);
  std::map<int, std::string> out;
  int current = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("-- migration ", 0) == 0) {
      current = std::stoi(line.substr(13));
    } else if (current > 0) {
      out[current] += line + "\n";
    }
  }
  return out;
}

void ExpectSameAsShipped(Dialect dialect, const std::string& file) {
  const std::map<int, std::string> shipped = ShippedMigrations(file);
  ASSERT_EQ(shipped.size(), 5u) << file;
  for (const auto& [version, sql] : shipped) {
    SCOPED_TRACE(fmt::format("{} migration {}", file, version));
    EXPECT_EQ(Statements(MigrationSql(dialect, version)), Statements(sql));
  }
}

TEST(SchemaTest, RendersTheSqliteMigrationsThatShipped) {
  ExpectSameAsShipped(Dialect::kSqlite, "sqlite_migrations_1_to_5.sql");
}

TEST(SchemaTest, RendersThePostgresMigrationsThatShipped) {
  ExpectSameAsShipped(Dialect::kPostgres, "postgres_migrations_1_to_5.sql");
}

TEST(SchemaTest, LatestVersionIsTheNewestLineOfTheDescription) {
  int newest = 0;
  for (const Table& t : Tables()) {
    for (const Column& c : t.columns) newest = std::max(newest, c.since);
  }
  for (const Index& i : Indexes()) newest = std::max(newest, i.since);
  EXPECT_GE(LatestVersion(), newest);
  EXPECT_GE(LatestVersion(), 5);
  for (int v = 1; v <= LatestVersion(); ++v) {
    EXPECT_FALSE(MigrationSql(Dialect::kSqlite, v).empty()) << "migration " << v;
    EXPECT_FALSE(MigrationSql(Dialect::kPostgres, v).empty()) << "migration " << v;
  }
}

TEST(SchemaTest, ColumnAddedToAnExistingTableIsAnAlterWithItsDefault) {
  EXPECT_EQ(Statements(MigrationSql(Dialect::kPostgres, 5)),
            (std::vector<std::string>{
                "ALTER TABLE bans ADD COLUMN author_key TEXT NOT NULL DEFAULT ''",
                "CREATE INDEX bans_by_key ON bans (author_key) WHERE author_key <> ''"}));
}

TEST(SchemaTest, BooleanTestsFollowTheDialect) {
  EXPECT_EQ(IsFalse(Dialect::kSqlite, "r.resolved"), "r.resolved = 0");
  EXPECT_EQ(IsFalse(Dialect::kPostgres, "r.resolved"), "NOT r.resolved");
}

// A SQLite database in memory. Owned by one thread.
class MemoryDb {
 public:
  MemoryDb() { sqlite3_open(":memory:", &db_); }
  ~MemoryDb() { sqlite3_close(db_); }
  MemoryDb(const MemoryDb&) = delete;
  MemoryDb& operator=(const MemoryDb&) = delete;

  base::Status Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      base::Status s = base::InternalError("{}", error != nullptr ? error : "?");
      sqlite3_free(error);
      return s;
    }
    return base::OkStatus();
  }
  // Every row of `sql`, columns joined by '|'.
  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return {std::string("error: ") + sqlite3_errmsg(db_)};
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row += (i > 0 ? "|" : "") + std::string(text != nullptr ? text : "NULL");
      }
      out.push_back(row);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  // What SQLite keeps of the schema: each object's type, name and SQL.
  std::vector<std::string> Master() {
    std::vector<std::string> out;
    for (const std::string& row :
         Rows("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
      out.push_back(Squeeze(row));
    }
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(SchemaTest, EveryUpgradePathOfSqliteEndsInTheShippedSchema) {
  const std::map<int, std::string> shipped = ShippedMigrations("sqlite_migrations_1_to_5.sql");
  MemoryDb reference;
  for (const auto& [version, sql] : shipped) ASSERT_TRUE(reference.Exec(sql).ok()) << version;
  // Made by release `from`, upgraded by the rendered migrations.
  for (int from = 0; from <= 5; ++from) {
    SCOPED_TRACE(fmt::format("from version {}", from));
    MemoryDb db;
    for (int v = 1; v <= from; ++v) ASSERT_TRUE(db.Exec(shipped.at(v)).ok());
    for (int v = from + 1; v <= 5; ++v) {
      base::Status s = db.Exec(MigrationSql(Dialect::kSqlite, v));
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    EXPECT_EQ(db.Master(), reference.Master());
  }
}

TEST(SchemaTest, SqliteDatabaseHasEveryTableAndColumnOfTheDescription) {
  MemoryDb db;
  for (int v = 1; v <= LatestVersion(); ++v) {
    ASSERT_TRUE(db.Exec(MigrationSql(Dialect::kSqlite, v)).ok()) << v;
  }
  std::vector<std::string> described;
  for (const Table& t : Tables()) {
    described.push_back(std::string(t.name));
    std::vector<std::string> expected;
    for (const Column& c : t.columns) {
      expected.push_back(
          fmt::format("{}|{}|{}", c.name, TypeName(Dialect::kSqlite, c.type),
                      c.nullable || c.key == Key::kPrimary || c.key == Key::kAutoId ? 0 : 1));
    }
    EXPECT_EQ(db.Rows(fmt::format("SELECT name, type, \"notnull\" FROM pragma_table_info('{}') "
                                  "ORDER BY cid",
                                  t.name)),
              expected)
        << t.name;
  }
  std::sort(described.begin(), described.end());
  EXPECT_EQ(db.Rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite_%' ORDER BY name"),
            described);
  std::vector<std::string> indexes;
  for (const Index& i : Indexes()) indexes.push_back(std::string(i.name));
  std::sort(indexes.begin(), indexes.end());
  EXPECT_EQ(db.Rows("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "ORDER BY name"),
            indexes);
}

}  // namespace
}  // namespace commentd::store::schema
