// Running the numbered migrations of store/schema.h, rendered for
// PostgreSQL; private to src/store (the PostgreSQL store and the copier).
// Migrations run in one transaction that first takes a transaction-scoped
// advisory lock, so several nodes starting at once apply each migration
// exactly once and the others wait, then find nothing to do.
#pragma once

#include "base/status.h"
#include "store/postgres/pg_connection.h"

namespace commentd::store::pg {

// The number of migrations this build knows.
int LatestSchemaVersion();

// The highest applied migration number (0 for an empty database).
base::Result<int> AppliedVersion(Connection& conn);

// Applies pending migrations. kFailedPrecondition if the database has a
// schema newer than this build knows; kUnavailable if the server is lost.
base::Status Migrate(Connection& conn);

}  // namespace commentd::store::pg
