// Group commit for SQLite's one writer connection: concurrent write calls
// queue up; whichever caller finds the writer free becomes the leader, takes
// up to max_batch_writes queued calls (its own among them unless the queue
// is longer) and runs them in one BEGIN IMMEDIATE ... COMMIT, each under its
// own savepoint, so N concurrent writes cost one fsync instead of N, and one
// write's failure leaves the others of its batch untouched. Callers that
// arrive while a batch runs wait for the next one; nobody waits for more
// writers to arrive, so a lone write is committed at once. Private to
// src/store/sqlite.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <type_traits>

#include "base/mutex.h"
#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace commentd::store::sqlite {

// What the writer has done so far.
struct GroupCommitStats {
  int64_t writes = 0;   // write calls finished, acknowledged or failed
  int64_t batches = 0;  // transactions run: one COMMIT (one fsync) each
  int64_t queued = 0;   // write calls waiting for the writer right now
};

// One write call waiting for the writer: its body, and its result once the
// batch that ran it is committed (or failed). Lives on the caller's stack;
// the caller blocks on its own condition variable until the leader of its
// batch says it is done, or hands it the lead. Each waiter is woken once,
// by name: no herd of waiters contends for one mutex after every batch.
// Thread-safe (Signal/Await); `result` is written by the leader before kDone.
class PendingWrite {
 public:
  enum class Turn { kWait, kLead, kDone };
  using Invoke = base::Status (*)(void* body, Connection& conn);

  PendingWrite(Invoke invoke, void* body) : invoke_(invoke), body_(body) {}
  PendingWrite(const PendingWrite&) = delete;
  PendingWrite& operator=(const PendingWrite&) = delete;

  base::Status Run(Connection& conn) { return invoke_(body_, conn); }

  // Called by the leader. Signalling under `mu_` keeps this object alive
  // until Signal returns: the waiter cannot leave before it gets `mu_`.
  void Signal(Turn t) EXCLUDES(mu_);
  // Blocks until the turn is no longer kWait.
  Turn Await() EXCLUDES(mu_);

  base::Status result;

 private:
  Invoke invoke_;
  void* body_;
  base::Mutex mu_;
  base::CondVar cv_;
  Turn turn_ GUARDED_BY(mu_) = Turn::kWait;
};

// Thread-safe. `writer` must outlive this and is used only by the leader of
// a batch (never by two threads at once).
class GroupCommit {
 public:
  // `after_batch` (may be empty) runs on the leader after each batch, while
  // it still holds the writer: the place for work that must not run inside
  // a transaction (a WAL checkpoint).
  GroupCommit(Connection& writer, int max_batch_writes, std::function<void()> after_batch = {})
      : writer_(writer),
        max_batch_writes_(max_batch_writes),
        after_batch_(std::move(after_batch)) {}

  // Runs `body(Connection&) -> Status` as one isolated write: its changes
  // are committed (and fsynced) when this returns OK; when it returns an
  // error nothing of it is kept. Other callers' writes may share its
  // transaction, each under its own savepoint. `body` runs on whichever
  // thread leads the batch, while this caller waits.
  template <typename Body>
  base::Status Write(Body&& body) {
    using B = std::remove_reference_t<Body>;
    PendingWrite write([](void* b, Connection& conn) { return (*static_cast<B*>(b))(conn); },
                       static_cast<void*>(std::addressof(body)));
    return Submit(write);
  }

  GroupCommitStats Stats() EXCLUDES(mu_);

 private:
  base::Status Submit(PendingWrite& write) EXCLUDES(mu_);
  base::Status WriterExec(const std::string& sql);
  base::Status RunOne(PendingWrite& w);
  void RunBatch(const std::vector<PendingWrite*>& batch);

  Connection& writer_;
  const int max_batch_writes_;
  const std::function<void()> after_batch_;

  base::Mutex mu_;
  std::deque<PendingWrite*> queue_ GUARDED_BY(mu_);
  bool writer_busy_ GUARDED_BY(mu_) = false;  // a leader holds the writer
  int64_t writes_finished_ GUARDED_BY(mu_) = 0;
  int64_t batches_run_ GUARDED_BY(mu_) = 0;
};

}  // namespace commentd::store::sqlite
