#include "store/postgres/pg_pool.h"

namespace commentd::store::pg {

Pool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Return(std::move(conn_));
}

void Pool::Return(std::unique_ptr<Connection> conn) {
  {
    base::MutexLock lock(&mu_);
    idle_.push_back(std::move(conn));
  }
  freed_.Signal();
}

base::Result<Pool::Lease> Pool::Acquire() {
  std::unique_ptr<Connection> conn;
  {
    base::MutexLock lock(&mu_);
    while (idle_.empty() && open_ >= size_) freed_.Wait(&mu_);
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (conn == nullptr) {
    auto opened = Connection::Open(conninfo_);
    if (!opened.ok()) {
      {
        base::MutexLock lock(&mu_);
        --open_;
      }
      freed_.Signal();
      return opened.status();
    }
    return Lease(this, std::move(opened).value());
  }
  Lease lease(this, std::move(conn));
  lease->Poll();
  if (lease->Broken()) COMMENTD_RETURN_IF_ERROR(lease->Reset());
  return lease;
}

base::Status Pool::RunTransaction(Connection& conn,
                                  const std::function<base::Status(Connection&)>& body) {
  base::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = conn.Script("BEGIN ISOLATION LEVEL READ COMMITTED");
    // BEGIN changed nothing: on a connection found dead, reconnect and retry once.
    if (!status.ok() && conn.Broken()) {
      COMMENTD_RETURN_IF_ERROR(conn.Reset());
      status = conn.Script("BEGIN ISOLATION LEVEL READ COMMITTED");
    }
    COMMENTD_RETURN_IF_ERROR(status);
    status = body(conn);
    if (status.ok()) status = conn.Script("COMMIT");
    const std::string sqlstate = conn.last_sqlstate();
    if (!status.ok() && !conn.Broken() && conn.InTransaction()) (void)conn.Script("ROLLBACK");
    if (status.ok() || conn.Broken()) return status;
    if (sqlstate != kDeadlockDetected && sqlstate != kSerializationFailure) return status;
  }
  return status;
}

}  // namespace commentd::store::pg
