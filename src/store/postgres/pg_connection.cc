#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <poll.h>

#include <charconv>
#include <utility>

namespace commentd::store::pg {
namespace {

using base::Result;
using base::Status;

// libpq messages end with a newline and sometimes span lines; one line reads
// better inside a Status.
std::string OneLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s.empty() ? "unknown error" : s;
}

// The first words of a statement, to say which one failed without dumping
// a page of SQL into a log line.
std::string Head(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n')) sql.remove_prefix(1);
  std::string out(sql.substr(0, 60));
  for (char& c : out) {
    if (c == '\n') c = ' ';
  }
  if (sql.size() > 60) out += "...";
  return out;
}

}  // namespace

Params& Params::Add(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(0);
  return *this;
}

Params& Params::Add(int64_t v) { return Add(std::string_view(std::to_string(v))); }

Params& Params::Add(bool v) { return Add(std::string_view(v ? "t" : "f")); }

Params& Params::Add(const std::optional<std::string>& v) {
  return v.has_value() ? Add(std::string_view(*v)) : AddNull();
}

Params& Params::AddNull() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

Params& Params::Bytes(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(1);
  return *this;
}

std::vector<const char*> Params::Values() const {
  std::vector<const char*> out;
  for (const auto& v : values_) out.push_back(v.has_value() ? v->data() : nullptr);
  return out;
}

std::vector<int> Params::Lengths() const {
  std::vector<int> out;
  for (const auto& v : values_) out.push_back(v.has_value() ? static_cast<int>(v->size()) : 0);
  return out;
}

std::vector<int> Params::Formats() const { return formats_; }

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  int64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

std::string Rows::Text(int row, int col) const {
  const char* p = PQgetvalue(result_.get(), row, col);
  const int n = PQgetlength(result_.get(), row, col);
  return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(n));
}

std::optional<std::string> Rows::OptionalText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

Result<int64_t> Rows::Int(int row, int col) const {
  const char* p = PQgetvalue(result_.get(), row, col);
  const int n = PQgetlength(result_.get(), row, col);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(p, p + n, v);
  if (IsNull(row, col) || ec != std::errc() || end != p + n) {
    return base::InternalError("postgres: column {} ({}) is not an integer: \"{}\"", col,
                               PQfname(result_.get(), col), std::string_view(p, n));
  }
  return v;
}

std::optional<int64_t> Rows::OptionalInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  auto v = Int(row, col);
  if (!v.ok()) return std::nullopt;
  return *v;
}

Result<std::string> Rows::Bytea(int row, int col) const {
  const std::string hex = Text(row, col);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x' || hex.size() % 2 != 0) {
    return base::InternalError("postgres: column {} is not bytea in hex format", col);
  }
  std::string out;
  out.reserve((hex.size() - 2) / 2);
  for (size_t i = 2; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return base::InternalError("postgres: column {} has a bad hex digit", col);
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string ConnectionTarget(const PGconn* conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  return fmt::format("{}:{}/{}", host != nullptr && *host ? host : "localhost",
                     port != nullptr && *port ? port : "5432", db != nullptr ? db : "");
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    Status status =
        base::InvalidArgumentError("postgres: bad connection string: {}", OneLine(parse_error));
    PQfreemem(parse_error);
    return status;
  }
  PQconninfoFree(parsed);
  // The URL's own keys win over connect_timeout; client_encoding is forced
  // because every column is UTF-8 text.
  const char* keys[] = {"connect_timeout", "dbname", "fallback_application_name", "client_encoding",
                        nullptr};
  const char* values[] = {"10", conninfo.c_str(), "commentd", "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return base::ResourceExhaustedError("postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status status = base::UnavailableError("postgres: cannot connect to {}: {}",
                                           ConnectionTarget(conn), OneLine(PQerrorMessage(conn)));
    PQfinish(conn);
    return status;
  }
  // Notices (e.g. "relation already exists, skipping" from a migration, or
  // the shutdown message on an idle connection) are not errors; the store
  // reports what matters through Status.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn, conninfo));
}

Connection::~Connection() { PQfinish(conn_); }

Status Connection::LostError(std::string_view sql) const {
  return base::UnavailableError("postgres: connection to {} lost during \"{}\": {}",
                                ConnectionTarget(conn_), Head(sql), OneLine(PQerrorMessage(conn_)));
}

Status Connection::ResultError(PGresult* result, std::string_view sql) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  const std::string message =
      OneLine(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (Broken() || last_sqlstate_.empty()) return LostError(sql);
  const std::string_view cls = std::string_view(last_sqlstate_).substr(0, 2);
  if (last_sqlstate_ == kUniqueViolation) {
    return base::AlreadyExistsError("postgres: {} ({})", message, Head(sql));
  }
  // 08 connection exception, 57 operator intervention (shutdown), 53
  // insufficient resources, 40 transaction rollback (serialization failure,
  // deadlock): the caller may try again later.
  if (cls == "08" || cls == "57" || cls == "53" || cls == "40") {
    return base::UnavailableError("postgres: {} (SQLSTATE {}, {})", message, last_sqlstate_,
                                  Head(sql));
  }
  // 22 data exception (a NUL byte in text, a number out of range), 23
  // integrity constraint: the input is at fault, not the server.
  if (cls == "22" || cls == "23") {
    return base::InvalidArgumentError("postgres: {} (SQLSTATE {}, {})", message, last_sqlstate_,
                                      Head(sql));
  }
  return base::InternalError("postgres: {} (SQLSTATE {}, {})", message, last_sqlstate_, Head(sql));
}

Result<Rows> Connection::Exec(std::string_view sql, const Params& params) {
  last_sqlstate_.clear();
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = fmt::format("commentd_{}", prepared_.size() + 1);
    PGresult* prep = PQprepare(conn_, name.c_str(), key.c_str(), params.size(), nullptr);
    if (prep == nullptr || PQresultStatus(prep) != PGRES_COMMAND_OK) {
      Status status = ResultError(prep, sql);
      PQclear(prep);
      return status;
    }
    PQclear(prep);
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  const std::vector<const char*> values = params.Values();
  const std::vector<int> lengths = params.Lengths();
  const std::vector<int> formats = params.Formats();
  PGresult* result = PQexecPrepared(conn_, it->second.c_str(), params.size(), values.data(),
                                    lengths.data(), formats.data(), /*resultFormat=*/0);
  const ExecStatusType st = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Status status = ResultError(result, sql);
    PQclear(result);
    return status;
  }
  return Rows(result);
}

Status Connection::Script(std::string_view sql) {
  last_sqlstate_.clear();
  const std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  const ExecStatusType st = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Status status = ResultError(result, sql);
    PQclear(result);
    return status;
  }
  PQclear(result);
  return base::OkStatus();
}

void Connection::Poll() {
  if (PQstatus(conn_) != CONNECTION_OK) return;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) return;
  // An idle connection has nothing to read unless the server is talking to
  // us: a shutdown notice or EOF. Consuming it marks the connection bad.
  // The notice and the EOF after it may take two reads; a few rounds also
  // bound the work when something keeps arriving.
  for (int round = 0; round < 4 && poll(&fd, 1, 0) > 0; ++round) {
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) return;
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  }
}

bool Connection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

Status Connection::Reset() {
  prepared_.clear();
  PQreset(conn_);
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return base::UnavailableError("postgres: cannot reconnect to {}: {}", ConnectionTarget(conn_),
                                  OneLine(PQerrorMessage(conn_)));
  }
  return base::OkStatus();
}

bool Connection::InTransaction() const {
  const PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

}  // namespace commentd::store::pg
