// SqliteStore: the comments::Store kept in one SQLite file, for a single
// server. The file is in WAL mode with synchronous=FULL, so a comment is on
// disk before Post returns, and readers never wait for the writer. Writes
// go through one connection with group commit: concurrent write calls are
// run by one writer in a shared transaction (BEGIN IMMEDIATE, so another
// process such as `commentd moderator add` waits busy_timeout instead of
// failing), each under its own savepoint, and acknowledged together after
// one COMMIT, so N concurrent comments cost one fsync, not N. A background
// thread checkpoints the WAL into the file, off the commit path. Reads use a
// pool of connections, one per concurrent caller. (The pieces: sqlite_db.h
// wraps the SQLite API, group_commit.h is the writer, wal_checkpointer.h the
// checkpoint thread.) The schema is created and upgraded by the numbered
// migrations of store/schema.h, rendered for SQLite and recorded in the
// schema_migrations table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "comments/store.h"

namespace commentd::store {

struct SqliteOptions {
  int busy_timeout_ms = 5000;
  // Idle read connections kept open; more are opened while more threads read.
  // Enough for the server's I/O and blocking threads, so that a busy server
  // does not open and close a connection per request.
  int max_idle_readers = 48;
  // Most write calls committed together in one transaction (>= 1).
  int max_batch_writes = 64;
  // WAL size in pages (4 KiB) at which a background thread checkpoints it
  // into the database file (>= 1). No COMMIT runs a checkpoint; the writer
  // runs one between batches only when the WAL reaches twice this size.
  int checkpoint_pages = 1000;
  // Migrate no further than this version (0: the latest). Only for tests
  // that make a file as an older release left it and then check its
  // upgrade; a store opened at an older version cannot serve (its queries
  // need the latest schema).
  int schema_version = 0;
};

// What the group-commit writer has done since Create.
struct SqliteWriteStats {
  int64_t writes = 0;       // write calls finished, acknowledged or failed
  int64_t batches = 0;      // transactions run: one COMMIT (one fsync) each
  int64_t queued = 0;       // write calls waiting for the writer right now
  int64_t checkpoints = 0;  // background WAL checkpoints run
};

// Thread-safe.
class SqliteStore final : public comments::Store {
 public:
  // Opens (creating if needed) the database at `path` and applies pending
  // migrations. kUnavailable if the file cannot be opened; kFailedPrecondition
  // if its schema is newer than this build knows; kInvalidArgument for an
  // empty path, max_batch_writes < 1 or checkpoint_pages < 1.
  static base::Result<std::unique_ptr<SqliteStore>> Create(const std::string& path,
                                                           SqliteOptions options = {});
  ~SqliteStore() override;

  // The highest applied migration number.
  base::Result<int> SchemaVersion();
  // The number of migrations this build knows.
  static int LatestSchemaVersion();

  // A snapshot of the writer's counters (for metrics, benchmarks, tests).
  SqliteWriteStats WriteStats();

  // Every write method below is atomic and isolated: it may share a
  // transaction with concurrent writes, but under its own savepoint, so its
  // failure leaves the others untouched; it returns only after the shared
  // COMMIT, and a failed COMMIT fails every write of that transaction.

  base::Result<std::string> GetOrInsertSetting(std::string_view name,
                                               std::string_view value_if_absent) override;
  base::Result<comments::Comment> InsertComment(const comments::Comment& comment) override;
  base::Result<comments::Comment> GetComment(std::string_view id) override;
  base::Result<std::vector<comments::Comment>> ListThread(std::string_view thread) override;
  base::Result<comments::ThreadSlice> ListThreadSlice(std::string_view thread,
                                                      const std::optional<std::string>& parent,
                                                      comments::SortOrder sort,
                                                      std::optional<int64_t> after_seq,
                                                      int limit) override;
  base::Result<std::map<std::string, int64_t>> CountPublished(
      const std::vector<std::string>& threads) override;
  base::Result<comments::Comment> UpdateComment(std::string_view id,
                                                const comments::CommentMutation& mutate) override;
  base::Result<std::vector<comments::Revision>> ListRevisions(std::string_view id) override;
  base::Status AddReport(const comments::Report& report) override;
  base::Result<comments::Page<comments::Comment>> ListQueue(comments::Queue queue,
                                                            std::optional<comments::Cursor> after,
                                                            int limit) override;
  using comments::Store::IsBanned;
  base::Result<bool> IsBanned(std::string_view author_name, std::string_view author_key,
                              std::string_view ip_hash) override;
  base::Result<int64_t> CountRecentText(std::string_view text_hash, base::Time since) override;
  base::Status AppendAudit(const comments::AuditEntry& entry) override;
  base::Result<comments::Page<comments::AuditEntry>> ListAudit(
      std::optional<comments::Cursor> after, int limit) override;
  base::Result<std::vector<comments::DayStats>> Stats(base::Time from, base::Time to) override;
  base::Status InsertModerator(const comments::ModeratorAccount& account,
                               const comments::AuditEntry& audit) override;
  base::Result<comments::ModeratorAccount> GetModerator(std::string_view name) override;
  base::Result<comments::StoredPolicy> GetPolicy() override;
  base::Result<comments::StoredPolicy> InsertPolicy(std::string_view toml, std::string_view set_by,
                                                    base::Time at,
                                                    const comments::AuditEntry& audit) override;
  base::Result<std::vector<comments::ModeratorAccount>> ListModerators() override;
  base::Status RemoveModerator(std::string_view name, const comments::AuditEntry& audit) override;
  base::Status InsertSession(const comments::Session& session) override;
  base::Result<comments::Session> GetSession(std::string_view token_hash) override;
  base::Status DeleteSession(std::string_view token_hash) override;
  base::Status DeleteExpiredSessions(base::Time now) override;

  // One query each, for the request path.
  base::Result<comments::CommentDepth> GetCommentWithDepth(std::string_view id) override;
  base::Result<int64_t> CountRevisions(std::string_view id) override;
  base::Result<bool> IsWriterBanned(std::string_view author_name, std::string_view author_key,
                                    std::string_view ip_hash,
                                    std::string_view previous_ip_hash) override;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace commentd::store
