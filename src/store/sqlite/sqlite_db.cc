#include "store/sqlite/sqlite_db.h"

#include <utility>

namespace commentd::store::sqlite {

base::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return base::UnavailableError("sqlite: {}: database is busy: {}", what, message);
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return base::AlreadyExistsError("sqlite: {}: {}", what, message);
  }
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL ||
      primary == SQLITE_READONLY) {
    return base::UnavailableError("sqlite: {}: {}", what, message);
  }
  return base::InternalError("sqlite: {}: {} (code {})", what, message, rc);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      next_(other.next_),
      bind_status_(other.bind_status_) {}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int64_t v) {
  Check(sqlite3_bind_int64(stmt_, ++next_, v));
  return *this;
}

Statement& Statement::Bind(std::string_view v) {
  Check(sqlite3_bind_text64(stmt_, ++next_, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(std::string_view v) {
  Check(sqlite3_bind_blob64(stmt_, ++next_, v.data(), v.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull() {
  Check(sqlite3_bind_null(stmt_, ++next_));
  return *this;
}

base::Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, sqlite3_extended_errcode(db_), sqlite3_sql(stmt_));
}

base::Status Statement::Run() {
  base::Result<bool> r = Step();
  while (r.ok() && *r) r = Step();
  return r.ok() ? base::OkStatus() : r.status();
}

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(n));
}

std::string Statement::Blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(n));
}

void Statement::Check(int rc) {
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(db_, rc, "bind");
}

base::Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                           int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    base::Status status =
        base::UnavailableError("sqlite: cannot open {}: {}", path,
                               db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return status;
  }
  auto conn = std::unique_ptr<Connection>(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // WAL lets readers run beside the writer; FULL syncs the WAL at every
  // commit, so an acknowledged comment survives a power cut.
  COMMENTD_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
  COMMENTD_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
  COMMENTD_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

base::Status Connection::Exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    base::Status status = SqliteError(db_, sqlite3_extended_errcode(db_), "exec");
    sqlite3_free(error);
    return status;
  }
  return base::OkStatus();
}

base::Result<Statement> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second);
}

}  // namespace commentd::store::sqlite
