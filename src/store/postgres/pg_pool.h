// The connection pool of PostgresStore and the three ways a store method
// uses a connection from it: a read (repeated once on a fresh connection
// when the old one turns out to be dead), one writing statement (never
// repeated) and a READ COMMITTED transaction (repeated after a deadlock or
// serialization failure). Private to src/store/postgres.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "store/postgres/pg_connection.h"

namespace commentd::store::pg {

// Thread-safe.
class Pool {
 public:
  // At most `size` (>= 1) connections to `conninfo`, opened as callers need them.
  Pool(std::string conninfo, int size) : conninfo_(std::move(conninfo)), size_(size) {}

  // A pooled connection lent for one call; returned when this is destroyed.
  // Owned by one thread.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Waits for a free connection (or opens one while fewer than `size`
  // exist) and makes sure it is usable: one the server dropped while it sat
  // idle is re-opened here. kUnavailable when the server cannot be reached.
  base::Result<Lease> Acquire() EXCLUDES(mu_);

  // Runs `body(conn)`, a read or a single self-contained statement. A read
  // is repeated once on a fresh connection when the old one turns out to be
  // dead: nothing was written, so trying again is safe.
  template <typename Body>
  auto Read(Body&& body) -> decltype(body(std::declval<Connection&>())) {
    COMMENTD_ASSIGN_OR_RETURN(Lease lease, Acquire());
    auto result = body(*lease);
    if (!IsOk(result) && lease->Broken() && lease->Reset().ok()) result = body(*lease);
    return result;
  }

  // Runs one statement that writes. It is not repeated after a lost
  // connection, since the server may have committed it before the loss.
  template <typename Body>
  auto WriteOne(Body&& body) -> decltype(body(std::declval<Connection&>())) {
    COMMENTD_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return body(*lease);
  }

  // Runs `body(conn) -> Status` in a READ COMMITTED transaction: committed
  // when it returns OK, rolled back otherwise. A deadlock or serialization
  // failure rolls back and runs the body again (at most three times in all).
  template <typename Body>
  base::Status Transaction(Body&& body) {
    COMMENTD_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return RunTransaction(*lease, [&body](Connection& conn) { return body(conn); });
  }

 private:
  static bool IsOk(const base::Status& s) { return s.ok(); }
  template <typename T>
  static bool IsOk(const base::Result<T>& r) {
    return r.ok();
  }
  base::Status RunTransaction(Connection& conn,
                              const std::function<base::Status(Connection&)>& body);
  void Return(std::unique_ptr<Connection> conn) EXCLUDES(mu_);

  const std::string conninfo_;
  const int size_;
  base::Mutex mu_;
  base::CondVar freed_;
  std::vector<std::unique_ptr<Connection>> idle_ GUARDED_BY(mu_);
  int open_ GUARDED_BY(mu_) = 0;  // connections in existence
};

}  // namespace commentd::store::pg
