// A thin adapter over one libpq connection, private to src/store (the
// PostgreSQL store and the copier of store/migrate, the only places where
// PGconn* may appear): prepared statements cached per
// connection, text-format parameters and results, SQLSTATE mapped to
// base::Status, and the checks that notice a connection the server dropped
// so that the owner can re-open it.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace commentd::store::pg {

// Parameters of one statement, in $1, $2, ... order. Text format except
// bytes added with Bytes() (binary, for bytea). Thread-compatible.
class Params {
 public:
  Params& Add(std::string_view v);
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(int64_t v);
  Params& Add(bool v);
  Params& Add(const std::optional<std::string>& v);
  Params& AddNull();
  Params& Bytes(std::string_view v);

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into this object, valid while it lives and is not changed.
  std::vector<const char*> Values() const;
  std::vector<int> Lengths() const;
  std::vector<int> Formats() const;

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// The rows of one successful statement (text format). Thread-compatible.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}

  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string Text(int row, int col) const;
  std::optional<std::string> OptionalText(int row, int col) const;
  // An int8/int4/numeric column; kInternal naming the column if it is not an integer.
  base::Result<int64_t> Int(int row, int col) const;
  std::optional<int64_t> OptionalInt(int row, int col) const;
  bool Bool(int row, int col) const { return Text(row, col) == "t"; }
  // A bytea column in hex output format ("\x0a1b..."), decoded.
  base::Result<std::string> Bytea(int row, int col) const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// SQLSTATE values the store reacts to.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

// One connection to the server. Owned by one thread at a time (the store's
// pool lends it out for one call).
class Connection {
 public:
  // kInvalidArgument for a malformed conninfo; kUnavailable when the server
  // cannot be reached (the message names host, port and database, never the
  // password).
  static base::Result<std::unique_ptr<Connection>> Open(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (one statement with $n placeholders) as a prepared statement,
  // preparing it on first use on this connection. Errors: kAlreadyExists for
  // a unique violation, kUnavailable when the connection is lost or the
  // server is shutting down or overloaded, kInvalidArgument for data the
  // server refuses (e.g. a NUL byte in text), kInternal otherwise; the
  // message starts with "postgres: " and names the statement's first words.
  base::Result<Rows> Exec(std::string_view sql, const Params& params = {});
  // Runs one or more statements without parameters and without preparing
  // them (BEGIN, COMMIT, migrations).
  base::Status Script(std::string_view sql);

  // The SQLSTATE of the last failed Exec/Script, empty after a success or a
  // failure that was not the server's (lost connection).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  // Reads anything the server sent while the connection was idle (e.g. the
  // notice that it is shutting down), without blocking, so that Broken()
  // sees a connection the server closed.
  void Poll();
  // True when the connection is unusable and must be Reset().
  bool Broken() const;
  // Re-opens the connection with the same parameters; prepared statements
  // are forgotten. kUnavailable when the server still cannot be reached.
  base::Status Reset();
  // True inside an open transaction block (also a failed one).
  bool InTransaction() const;

 private:
  Connection(PGconn* conn, std::string conninfo) : conn_(conn), conninfo_(std::move(conninfo)) {}
  base::Status ResultError(PGresult* result, std::string_view sql);
  base::Status LostError(std::string_view sql) const;

  PGconn* conn_;
  std::string conninfo_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  std::string last_sqlstate_;
};

// "postgres: cannot connect to HOST:PORT/DB: reason" style detail of `conn`.
std::string ConnectionTarget(const PGconn* conn);

}  // namespace commentd::store::pg
