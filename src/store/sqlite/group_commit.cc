#include "store/sqlite/group_commit.h"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

namespace commentd::store::sqlite {

void PendingWrite::Signal(Turn t) {
  base::MutexLock lock(&mu_);
  turn_ = t;
  cv_.Signal();
}

PendingWrite::Turn PendingWrite::Await() {
  base::MutexLock lock(&mu_);
  while (turn_ == Turn::kWait) cv_.Wait(&mu_);
  return turn_;
}

base::Status GroupCommit::Submit(PendingWrite& write) {
  bool lead = false;
  {
    base::MutexLock lock(&mu_);
    queue_.push_back(&write);
    if (!writer_busy_) lead = writer_busy_ = true;
  }
  if (!lead && write.Await() == PendingWrite::Turn::kDone) return write.result;
  // Leading: run batches until this caller's own write is among them.
  bool own_done = false;
  while (!own_done) {
    std::vector<PendingWrite*> batch;
    {
      base::MutexLock lock(&mu_);
      const size_t n = std::min(queue_.size(), static_cast<size_t>(max_batch_writes_));
      batch.assign(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    }
    try {
      RunBatch(batch);
    } catch (const std::exception& e) {
      // Never leave the queue without a leader: every waiter would hang.
      if (!writer_.Autocommit()) (void)writer_.Exec("ROLLBACK");
      for (PendingWrite* w : batch) {
        w->result = base::InternalError("sqlite: batch failed: {}", e.what());
      }
    }
    own_done = std::find(batch.begin(), batch.end(), &write) != batch.end();
    for (PendingWrite* w : batch) {
      if (w != &write) w->Signal(PendingWrite::Turn::kDone);
    }
    if (after_batch_) after_batch_();
    PendingWrite* next = nullptr;
    {
      base::MutexLock lock(&mu_);
      writes_finished_ += static_cast<int64_t>(batch.size());
      ++batches_run_;
      if (own_done) {
        // Hand the writer to the oldest waiter, or free it.
        if (queue_.empty()) {
          writer_busy_ = false;
        } else {
          next = queue_.front();
        }
      }
    }
    if (next != nullptr) next->Signal(PendingWrite::Turn::kLead);
  }
  return write.result;
}

base::Status GroupCommit::WriterExec(const std::string& sql) {
  COMMENTD_ASSIGN_OR_RETURN(Statement s, writer_.Prepare(sql));
  return s.Run();
}

// Runs one write under a savepoint; on failure undoes exactly that write.
base::Status GroupCommit::RunOne(PendingWrite& w) {
  COMMENTD_RETURN_IF_ERROR(WriterExec("SAVEPOINT write"));
  base::Status status;
  try {
    status = w.Run(writer_);
  } catch (const std::exception& e) {
    status = base::InternalError("sqlite: write failed: {}", e.what());
  }
  if (status.ok()) {
    status = WriterExec("RELEASE write");
    if (status.ok()) return status;
  }
  if (!writer_.Autocommit()) {
    (void)WriterExec("ROLLBACK TO write");
    (void)WriterExec("RELEASE write");
  }
  return status;
}

// Runs `batch` in BEGIN IMMEDIATE ... COMMIT (IMMEDIATE, so another process
// such as `commentd moderator add` waits busy_timeout instead of failing).
// Each write's own failure is its own; a failed BEGIN or COMMIT fails every
// write that had succeeded, since none of them is durable.
void GroupCommit::RunBatch(const std::vector<PendingWrite*>& batch) {
  size_t first = 0;  // first write of the open transaction
  base::Status begin = WriterExec("BEGIN IMMEDIATE");
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!begin.ok()) {
      batch[i]->result = begin;
      continue;
    }
    batch[i]->result = RunOne(*batch[i]);
    if (!batch[i]->result.ok() && writer_.Autocommit()) {
      // SQLite rolled the whole transaction back (e.g. I/O error or a full
      // disk): the earlier writes of this batch are gone too.
      const base::Status lost =
          base::UnavailableError("sqlite: transaction rolled back: {}", batch[i]->result.message());
      for (size_t j = first; j < i; ++j) {
        if (batch[j]->result.ok()) batch[j]->result = lost;
      }
      first = i + 1;
      begin = WriterExec("BEGIN IMMEDIATE");
    }
  }
  if (!begin.ok()) return;
  base::Status commit = WriterExec("COMMIT");
  if (commit.ok()) return;
  if (!writer_.Autocommit()) (void)WriterExec("ROLLBACK");
  for (size_t j = first; j < batch.size(); ++j) {
    if (batch[j]->result.ok()) batch[j]->result = commit;
  }
}

GroupCommitStats GroupCommit::Stats() {
  base::MutexLock lock(&mu_);
  return GroupCommitStats{writes_finished_, batches_run_, static_cast<int64_t>(queue_.size())};
}

}  // namespace commentd::store::sqlite
