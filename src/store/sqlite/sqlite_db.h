// A thin adapter over one sqlite3 connection, private to src/store/sqlite
// (the only place where sqlite3* may appear): prepared statements cached per
// connection, binding and reading by position, and SQLite result codes
// mapped to base::Status.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace commentd::store::sqlite {

// The Status for SQLite result code `rc` (extended) of `what`: kUnavailable
// for busy/locked and for I/O, open, full-disk and read-only errors,
// kAlreadyExists for a unique or primary-key violation, kInternal otherwise.
// The message starts "sqlite: WHAT: " and carries `db`'s error message.
base::Status SqliteError(sqlite3* db, int rc, std::string_view what);

// A cached prepared statement borrowed for one use: bind, step, read, and
// it is reset when this goes out of scope. A failed Bind is reported by the
// next Step or Run. Owned by one thread.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  ~Statement();

  Statement& Bind(int64_t v);
  Statement& Bind(std::string_view v);
  Statement& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Statement& Bind(const char* v) { return Bind(std::string_view(v)); }
  Statement& BindBlob(std::string_view v);
  Statement& BindNull();
  template <typename T>
  Statement& Bind(const std::optional<T>& v) {
    return v.has_value() ? Bind(*v) : BindNull();
  }

  // True when a row is available, false when done.
  base::Result<bool> Step();
  // Runs a statement that returns no rows (or ignores them).
  base::Status Run();

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;
  std::string Blob(int col) const;

 private:
  void Check(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 0;
  base::Status bind_status_;
};

// One sqlite3 connection and its prepared statements, in WAL mode with
// synchronous=FULL and foreign keys on. Owned by one thread at a time (the
// store's reader pool or its writer hands it out).
class Connection {
 public:
  // Opens (creating if needed) the database at `path`. kUnavailable if it
  // cannot be opened.
  static base::Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                        int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters.
  base::Status Exec(const char* sql);
  // The statement for `sql`, prepared on first use and cached.
  base::Result<Statement> Prepare(const std::string& sql);
  // True outside a transaction (also after SQLite rolled one back itself).
  bool Autocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const { return sqlite3_changes64(db_); }

  sqlite3* db() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace commentd::store::sqlite
