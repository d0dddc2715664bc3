// The database schema of commentd, written once: its tables, their columns
// with a portable type, keys, indexes, and the migration version in which
// each of them arrived. Each store renders its dialect's DDL from it
// (MigrationSql), and `commentd migrate` derives the columns it copies from
// it, so a new column is added in one place (one line of schema.cc) and
// reaches the SQLite store, the PostgreSQL store and the copier together.
//
// Migration N of a dialect is: CREATE TABLE for the tables that arrived in
// N (with their columns that arrived in N), ALTER TABLE ADD COLUMN for the
// later columns that arrived in N, CREATE INDEX for the indexes that arrived
// in N, then N's data step (per-dialect SQL, e.g. migration 4 copying each
// comment's text into comment_revisions). A shipped version's lines are
// never edited: a change is a new line with the next version.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace commentd::store::schema {

enum class Dialect { kSqlite, kPostgres };

// A column's type, rendered per dialect: kText and kJson are TEXT; kInteger
// and kTime (microseconds since the epoch) are INTEGER / BIGINT; kBool is
// INTEGER 0/1 / BOOLEAN; kBytes is BLOB / BYTEA.
enum class Type { kText, kJson, kInteger, kTime, kBool, kBytes };

enum class Key {
  kNone,
  kPrimary,  // the table's primary key
  kAutoId,   // primary key numbered by the database (AUTOINCREMENT / identity)
  kUnique,   // UNIQUE
};

struct Column {
  std::string_view name;
  Type type;
  int since;  // the migration that added it
  bool nullable = false;
  Key key = Key::kNone;
  std::string_view references = {};  // "comments(id)": a foreign key
  bool cascade = false;              // with `references`: ON DELETE CASCADE
  std::string_view one_of = {};      // "'a', 'b'": CHECK (name IN (...))
  // Portable default: a quoted text ("''"), an integer ("1") or "false" /
  // "true" for a kBool. Needed for a NOT NULL column added to an existing
  // table: existing rows get it.
  std::string_view default_value = {};
};

struct Table {
  std::string_view name;
  int since;
  std::span<const Column> columns;
  std::string_view unique = {};  // "comment_id, number": a table-level UNIQUE
};

// A partial index covers only the rows where `column` is not empty text
// (kNotEmpty) or is false (kFalse, a kBool column).
enum class Partial { kNone, kNotEmpty, kFalse };

struct Index {
  std::string_view name;
  std::string_view table;
  std::string_view columns;  // "thread, seq"
  int since;
  Partial partial = Partial::kNone;
  std::string_view partial_column = {};
};

// Every table, in dependency order: a table's foreign keys point to tables
// before it (so tables are created and copied in this order).
std::span<const Table> Tables();
std::span<const Index> Indexes();

// The number of migrations (the current schema version).
int LatestVersion();

// The SQL of migration `version` (1..LatestVersion()) in `dialect`: one or
// more statements separated by ";\n". CHECKs `version` is in range.
std::string MigrationSql(Dialect dialect, int version);

// The type name `type` has in `dialect` ("TEXT", "BIGINT", ...).
std::string_view TypeName(Dialect dialect, Type type);

// "resolved = 0" (SQLite) / "NOT resolved" (PostgreSQL): `column`, a kBool,
// is false, in the form the partial indexes use (so queries written with it
// can use them).
std::string IsFalse(Dialect dialect, std::string_view column);

}  // namespace commentd::store::schema
