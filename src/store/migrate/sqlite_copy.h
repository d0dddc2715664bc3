// Copying a site from its SQLite file into PostgreSQL, for `commentd
// migrate` when a publisher moves from one node to several. Every table and
// column of the schema description (store/schema.h) is copied row for row,
// keeping ids and seq, in one PostgreSQL transaction; before it commits,
// each table is read back and compared with the source by row count and a
// SHA-256 checksum over its rows in key order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace commentd::store {

// What was copied from one table and how it was verified.
struct TableCopy {
  std::string table;
  int64_t rows = 0;
  std::string checksum;  // hex SHA-256 of the table's rows, equal on both sides
};

// Copies the commentd SQLite database at `sqlite_path` (opened read-only, in
// one read transaction, so a consistent snapshot) into the PostgreSQL
// database `conninfo`, creating its schema if needed. Returns one entry per
// table. No row is written unless everything was copied and verified (the
// schema, created first, stays).
// Errors: kInvalidArgument if the file is not a commentd database or the URL
// is malformed; kFailedPrecondition if the SQLite schema version is not the
// one this build copies or a PostgreSQL table already has rows; kUnavailable
// if either database cannot be opened or the server is lost; kInternal
// naming the table when the read-back does not match. Messages name the
// table and, for a refused row, its position.
base::Result<std::vector<TableCopy>> CopySqliteToPostgres(const std::string& sqlite_path,
                                                          std::string_view conninfo);

// The SQLite schema version this build copies: the latest of
// store/schema.h (older files are upgraded by opening them once with
// `commentd serve`).
int CopiedSqliteSchemaVersion();

}  // namespace commentd::store
