#include "store/migrate/sqlite_copy.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <utility>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_schema.h"
#include "store/schema.h"

namespace commentd::store {
namespace {

using base::Result;
using base::Status;

enum class Kind {
  kInt,      // INTEGER / BIGINT
  kOptInt,   // nullable INTEGER / BIGINT
  kText,     // TEXT
  kOptText,  // nullable TEXT
  kBool,     // INTEGER 0/1 / BOOLEAN
  kBytes,    // BLOB / BYTEA
};

struct Column {
  std::string name;
  Kind kind;
};

struct Table {
  std::string name;
  std::string order_by;  // the key: rows are copied and checksummed in this order
  std::vector<Column> columns;
  std::string identity;  // identity column whose sequence continues after the copy, or ""
};

Kind KindOf(const schema::Column& c) {
  switch (c.type) {
    case schema::Type::kText:
    case schema::Type::kJson:
      return c.nullable ? Kind::kOptText : Kind::kText;
    case schema::Type::kInteger:
    case schema::Type::kTime:
      return c.nullable ? Kind::kOptInt : Kind::kInt;
    case schema::Type::kBool:
      return Kind::kBool;
    case schema::Type::kBytes:
      return Kind::kBytes;
  }
  return Kind::kText;
}

// Every table and column of the schema description, in its dependency
// order: a row's foreign keys point to rows copied before it (and a reply's
// parent has a lower seq than the reply).
const std::vector<Table>& Tables() {
  static const auto* tables = [] {
    auto* out = new std::vector<Table>();
    for (const schema::Table& t : schema::Tables()) {
      Table table{std::string(t.name), "", {}, ""};
      for (const schema::Column& c : t.columns) {
        table.columns.push_back(Column{std::string(c.name), KindOf(c)});
        if (c.key == schema::Key::kPrimary || c.key == schema::Key::kAutoId) {
          table.order_by = std::string(c.name);
        }
        if (c.key == schema::Key::kAutoId) table.identity = std::string(c.name);
      }
      out->push_back(std::move(table));
    }
    return out;
  }();
  return *tables;
}

std::string ColumnList(const Table& table) {
  std::string out;
  for (const Column& c : table.columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

// One row as canonical values: integers and booleans as decimal text
// ("0"/"1" for booleans), text and bytes as their bytes, NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;

// SHA-256 over rows, each value length-prefixed so that no two different
// tables of values hash the same stream. Owned by one thread.
class Checksum {
 public:
  Checksum() { crypto_hash_sha256_init(&state_); }
  void Add(const Row& row) {
    for (const auto& v : row) {
      const std::string head = v.has_value() ? fmt::format("{}:", v->size()) : std::string("N;");
      Update(head);
      if (v.has_value()) Update(*v);
    }
    Update("\n");
  }
  std::string Hex() {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, out);
    std::string hex;
    for (unsigned char b : out) hex += fmt::format("{:02x}", b);
    return hex;
  }

 private:
  void Update(std::string_view s) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }
  crypto_hash_sha256_state state_;
};

// The source: a read-only SQLite handle. Owned by one thread.
class Source {
 public:
  static Result<std::unique_ptr<Source>> Open(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
      Status s = base::UnavailableError("sqlite: cannot open {} read-only: {}", path,
                                        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
      sqlite3_close_v2(db);
      return s;
    }
    auto source = std::unique_ptr<Source>(new Source(db, path));
    sqlite3_busy_timeout(db, 5000);
    return source;
  }
  ~Source() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    sqlite3_close_v2(db_);
  }

  Status Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      Status s = base::UnavailableError("sqlite: {}: {}: {}", path_, sql,
                                        error != nullptr ? error : sqlite3_errmsg(db_));
      sqlite3_free(error);
      return s;
    }
    return base::OkStatus();
  }

  Result<int> SchemaVersion() {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1,
                           &stmt, nullptr) != SQLITE_OK) {
      Status s = base::InvalidArgumentError(
          "from: {} is not a commentd SQLite database (no schema_migrations table: {})", path_,
          sqlite3_errmsg(db_));
      sqlite3_finalize(stmt);
      return s;
    }
    int version = 0;
    if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
  }

  // Calls `row_fn(row)` for every row of `table` in key order.
  template <typename RowFn>
  Status ForEachRow(const Table& table, RowFn&& row_fn) {
    const std::string sql =
        fmt::format("SELECT {} FROM {} ORDER BY {}", ColumnList(table), table.name, table.order_by);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      Status s = base::InvalidArgumentError(
          "from: {}: table {} does not have the expected "
          "columns: {}",
          path_, table.name, sqlite3_errmsg(db_));
      sqlite3_finalize(stmt);
      return s;
    }
    statements_.push_back(stmt);
    int64_t n = 0;
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        return base::UnavailableError("sqlite: {}: reading {}: {}", path_, table.name,
                                      sqlite3_errmsg(db_));
      }
      ++n;
      Row row;
      for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) {
        const Kind kind = table.columns[static_cast<size_t>(i)].kind;
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
          if (kind != Kind::kOptInt && kind != Kind::kOptText) {
            return base::InvalidArgumentError("from: {}: {} row {}: column {} is NULL", path_,
                                              table.name, n,
                                              table.columns[static_cast<size_t>(i)].name);
          }
          row.emplace_back(std::nullopt);
          continue;
        }
        switch (kind) {
          case Kind::kInt:
          case Kind::kOptInt:
            row.emplace_back(std::to_string(sqlite3_column_int64(stmt, i)));
            break;
          case Kind::kBool:
            row.emplace_back(sqlite3_column_int64(stmt, i) != 0 ? "1" : "0");
            break;
          case Kind::kText:
          case Kind::kOptText: {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            row.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
            break;
          }
          case Kind::kBytes: {
            const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
            const int len = sqlite3_column_bytes(stmt, i);
            row.emplace_back(p != nullptr ? std::string(p, static_cast<size_t>(len)) : "");
            break;
          }
        }
      }
      COMMENTD_RETURN_IF_ERROR(row_fn(row, n));
    }
    return base::OkStatus();
  }

 private:
  Source(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::vector<sqlite3_stmt*> statements_;
};

// Reads `table` back from PostgreSQL in the same canonical form and order.
Result<std::pair<int64_t, std::string>> PostgresChecksum(pg::Connection& conn, const Table& table) {
  std::string columns;
  for (const Column& c : table.columns) {
    if (!columns.empty()) columns += ", ";
    // Booleans as 0/1 like SQLite; byte order (COLLATE "C") like SQLite's BINARY.
    columns += c.kind == Kind::kBool ? fmt::format("{}::int", c.name) : std::string(c.name);
  }
  bool text_key = false;
  for (const Column& c : table.columns) {
    if (c.name == table.order_by) text_key = c.kind == Kind::kText;
  }
  const std::string sql = fmt::format("SELECT {} FROM {} ORDER BY {}{}", columns, table.name,
                                      table.order_by, text_key ? " COLLATE \"C\"" : "");
  COMMENTD_ASSIGN_OR_RETURN(pg::Rows rows, conn.Exec(sql));
  Checksum sum;
  for (int r = 0; r < rows.size(); ++r) {
    Row row;
    for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) {
      if (rows.IsNull(r, i)) {
        row.emplace_back(std::nullopt);
      } else if (table.columns[static_cast<size_t>(i)].kind == Kind::kBytes) {
        COMMENTD_ASSIGN_OR_RETURN(std::string bytes, rows.Bytea(r, i));
        row.emplace_back(std::move(bytes));
      } else {
        row.emplace_back(rows.Text(r, i));
      }
    }
    sum.Add(row);
  }
  return std::make_pair(static_cast<int64_t>(rows.size()), sum.Hex());
}

Result<std::vector<TableCopy>> CopyInTransaction(Source& source, pg::Connection& conn) {
  std::string all_tables;
  for (const Table& t : Tables()) {
    if (!all_tables.empty()) all_tables += ", ";
    all_tables += t.name;
  }
  // No node may write while the copy runs; a node that tries waits.
  COMMENTD_RETURN_IF_ERROR(
      conn.Script(fmt::format("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", all_tables)));
  for (const Table& t : Tables()) {
    COMMENTD_ASSIGN_OR_RETURN(pg::Rows rows,
                              conn.Exec(fmt::format("SELECT COUNT(*) FROM {}", t.name)));
    COMMENTD_ASSIGN_OR_RETURN(int64_t n, rows.Int(0, 0));
    if (n > 0) {
      return base::FailedPreconditionError(
          "to: table {} already has {} rows; migrate copies into an empty database", t.name, n);
    }
  }

  std::vector<TableCopy> copies;
  for (const Table& t : Tables()) {
    std::string placeholders;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      placeholders += fmt::format("{}${}", i == 0 ? "" : ", ", i + 1);
    }
    const std::string insert =
        fmt::format("INSERT INTO {} ({}) VALUES ({})", t.name, ColumnList(t), placeholders);
    Checksum sum;
    int64_t count = 0;
    COMMENTD_RETURN_IF_ERROR(source.ForEachRow(t, [&](const Row& row, int64_t n) -> Status {
      pg::Params params;
      for (size_t i = 0; i < row.size(); ++i) {
        if (!row[i].has_value()) {
          params.AddNull();
        } else if (t.columns[i].kind == Kind::kBytes) {
          params.Bytes(*row[i]);
        } else {
          params.Add(*row[i]);
        }
      }
      Status s = conn.Exec(insert, params).status();
      if (!s.ok()) return s.WithContext(fmt::format("{} row {}", t.name, n));
      sum.Add(row);
      count = n;
      return base::OkStatus();
    }));
    copies.push_back(TableCopy{t.name, count, sum.Hex()});
    if (!t.identity.empty()) {
      // New rows continue after the copied ids.
      COMMENTD_RETURN_IF_ERROR(
          conn.Exec(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{1}'), "
                                "COALESCE(MAX({1}), 1), MAX({1}) IS NOT NULL) FROM {0}",
                                t.name, t.identity))
              .status());
    }
  }

  // Verify what the server now holds against what was read.
  for (size_t i = 0; i < Tables().size(); ++i) {
    COMMENTD_ASSIGN_OR_RETURN(auto check, PostgresChecksum(conn, Tables()[i]));
    const TableCopy& copy = copies[i];
    if (check.first != copy.rows || check.second != copy.checksum) {
      return base::InternalError(
          "verification failed for table {}: SQLite has {} rows (sha256 {}), PostgreSQL {} rows "
          "(sha256 {}); nothing was written",
          copy.table, copy.rows, copy.checksum, check.first, check.second);
    }
  }
  return copies;
}

}  // namespace

Result<std::vector<TableCopy>> CopySqliteToPostgres(const std::string& sqlite_path,
                                                    std::string_view conninfo) {
  if (sodium_init() < 0) return base::InternalError("libsodium failed to initialize");
  COMMENTD_ASSIGN_OR_RETURN(auto source, Source::Open(sqlite_path));
  // One read transaction: every table comes from the same snapshot.
  COMMENTD_RETURN_IF_ERROR(source->Exec("BEGIN"));
  COMMENTD_ASSIGN_OR_RETURN(int version, source->SchemaVersion());
  if (version != schema::LatestVersion()) {
    return base::FailedPreconditionError(
        "from: {} has SQLite schema version {}; this commentd copies version {} (open it once with "
        "a matching `commentd serve` first, or use a matching commentd)",
        sqlite_path, version, schema::LatestVersion());
  }

  COMMENTD_ASSIGN_OR_RETURN(auto conn, pg::Connection::Open(std::string(conninfo)));
  COMMENTD_RETURN_IF_ERROR(pg::Migrate(*conn));
  COMMENTD_RETURN_IF_ERROR(conn->Script("BEGIN ISOLATION LEVEL READ COMMITTED"));
  auto copies = CopyInTransaction(*source, *conn);
  if (!copies.ok()) {
    if (!conn->Broken()) (void)conn->Script("ROLLBACK");
    return copies.status();
  }
  COMMENTD_RETURN_IF_ERROR(conn->Script("COMMIT"));
  return copies;
}

int CopiedSqliteSchemaVersion() { return schema::LatestVersion(); }

}  // namespace commentd::store
