// Checkpoints copy SQLite's write-ahead log back into the database file and
// fsync it, which takes tens of milliseconds. SQLite's automatic checkpoint
// would run them inside the COMMIT of whichever batch crosses the
// threshold, stalling every writer queued behind it; instead the writer's
// WAL hook asks a background thread to run a PASSIVE checkpoint on its own
// connection, beside the writer and the readers. Private to src/store/sqlite.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "base/mutex.h"
#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace commentd::store::sqlite {

// Thread-safe: checkpoints() from any thread; AfterBatch only on the thread
// that holds the writer (the group-commit leader).
class WalCheckpointer {
 public:
  // Opens a connection of its own to `path`, hooks `writer`'s commits
  // (`writer` must outlive this) and starts the background thread, which
  // checkpoints when the WAL reaches `checkpoint_pages` pages (>= 1).
  // kUnavailable when the file cannot be opened.
  static base::Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path,
                                                              int busy_timeout_ms,
                                                              Connection& writer,
                                                              int checkpoint_pages);
  // Unhooks the writer and stops the thread.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Called by the writer between batches (outside a transaction). Under a
  // steady stream of commits a PASSIVE checkpoint never catches up with the
  // writer: the WAL is never fully copied, so it never starts over, grows
  // without bound and every commit appends to it (an append costs the disk
  // far more than an overwrite: the file's size changes with it). So when
  // the WAL reaches twice the threshold, the writer itself runs a
  // checkpoint, which now only has the frames the background one has not
  // copied yet; the next transaction then rewrites the WAL from its start.
  void AfterBatch() EXCLUDES(mu_);

  // Checkpoints run so far (background and AfterBatch).
  int64_t checkpoints() EXCLUDES(mu_);

 private:
  WalCheckpointer(Connection& writer, std::unique_ptr<Connection> own, int checkpoint_pages)
      : writer_(writer), own_(std::move(own)), checkpoint_pages_(checkpoint_pages) {}
  // sqlite3_wal_hook: runs on the writer after each commit.
  static int OnWalCommit(void* self, sqlite3*, const char*, int wal_pages);
  void Loop() EXCLUDES(mu_);

  Connection& writer_;
  const std::unique_ptr<Connection> own_;  // used only by the background thread
  const int checkpoint_pages_;
  // The WAL size at the last commit; used only by the writer's holder.
  int wal_pages_seen_ = 0;

  base::Mutex mu_;
  base::CondVar wanted_cv_;
  bool wanted_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  int64_t checkpoints_run_ GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace commentd::store::sqlite
