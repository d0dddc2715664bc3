#include "store/postgres/pg_schema.h"

#include "store/schema.h"

namespace commentd::store::pg {
namespace {

// The tables are store/schema.h's, rendered for PostgreSQL: times are
// microseconds since the epoch; `seq` and the other ids are identity
// columns, one sequence per table shared by every node, so the order is
// global.
base::Status TooNew(int applied) {
  return base::FailedPreconditionError(
      "postgres: the database has schema version {}, newer than this commentd knows ({}); "
      "upgrade commentd on this node",
      applied, schema::LatestVersion());
}

base::Status MigrateLocked(Connection& conn) {
  // One lock per database and schema, held until COMMIT or ROLLBACK: a
  // second node blocks here and then sees the first node's rows.
  COMMENTD_RETURN_IF_ERROR(
      conn.Exec("SELECT pg_advisory_xact_lock(hashtext('commentd schema_migrations ' || "
                "current_database() || '.' || COALESCE(current_schema(), '')))")
          .status());
  COMMENTD_RETURN_IF_ERROR(
      conn.Script("CREATE TABLE IF NOT EXISTS schema_migrations ("
                  "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
  COMMENTD_ASSIGN_OR_RETURN(int applied, AppliedVersion(conn));
  if (applied > schema::LatestVersion()) return TooNew(applied);
  for (int version = applied + 1; version <= schema::LatestVersion(); ++version) {
    COMMENTD_RETURN_IF_ERROR(conn.Script(schema::MigrationSql(schema::Dialect::kPostgres, version))
                                 .WithContext(fmt::format("migration {}", version)));
    Params p;
    p.Add(static_cast<int64_t>(version));
    COMMENTD_RETURN_IF_ERROR(
        conn.Exec("INSERT INTO schema_migrations (version) VALUES ($1)", p).status());
  }
  return base::OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return schema::LatestVersion(); }

base::Result<int> AppliedVersion(Connection& conn) {
  COMMENTD_ASSIGN_OR_RETURN(Rows rows,
                            conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  COMMENTD_ASSIGN_OR_RETURN(int64_t v, rows.Int(0, 0));
  return static_cast<int>(v);
}

base::Status Migrate(Connection& conn) {
  // DDL is transactional in PostgreSQL: all pending migrations and their
  // schema_migrations rows commit together or not at all.
  COMMENTD_RETURN_IF_ERROR(conn.Script("BEGIN"));
  base::Status status = MigrateLocked(conn);
  if (status.ok()) status = conn.Script("COMMIT");
  if (!status.ok() && !conn.Broken() && conn.InTransaction()) (void)conn.Script("ROLLBACK");
  return status;
}

}  // namespace commentd::store::pg
