#include "store/sqlite/wal_checkpointer.h"

#include <utility>

namespace commentd::store::sqlite {

base::Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                      int busy_timeout_ms,
                                                                      Connection& writer,
                                                                      int checkpoint_pages) {
  COMMENTD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> own,
                            Connection::Open(path, busy_timeout_ms));
  auto checkpointer = std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(writer, std::move(own), checkpoint_pages));
  sqlite3_wal_hook(writer.db(), &WalCheckpointer::OnWalCommit, checkpointer.get());
  WalCheckpointer* self = checkpointer.get();
  checkpointer->thread_ = std::thread([self] { self->Loop(); });
  return checkpointer;
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.db(), nullptr, nullptr);
  {
    base::MutexLock lock(&mu_);
    stopping_ = true;
    wanted_cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::AfterBatch() {
  if (wal_pages_seen_ < 2 * checkpoint_pages_) return;
  wal_pages_seen_ = 0;
  (void)sqlite3_wal_checkpoint_v2(writer_.db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr);
  base::MutexLock lock(&mu_);
  ++checkpoints_run_;
}

int WalCheckpointer::OnWalCommit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  checkpointer->wal_pages_seen_ = wal_pages;
  if (wal_pages >= checkpointer->checkpoint_pages_) {
    base::MutexLock lock(&checkpointer->mu_);
    checkpointer->wanted_ = true;
    checkpointer->wanted_cv_.Signal();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Loop() {
  while (true) {
    {
      base::MutexLock lock(&mu_);
      while (!wanted_ && !stopping_) wanted_cv_.Wait(&mu_);
      if (stopping_) return;
      wanted_ = false;
    }
    // A failure (e.g. busy) is retried at the next commit's request; the
    // WAL keeps every committed write meanwhile.
    (void)sqlite3_wal_checkpoint_v2(own_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    base::MutexLock lock(&mu_);
    ++checkpoints_run_;
  }
}

int64_t WalCheckpointer::checkpoints() {
  base::MutexLock lock(&mu_);
  return checkpoints_run_;
}

}  // namespace commentd::store::sqlite
