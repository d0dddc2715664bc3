#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "comments/stored_form.h"

namespace commentd::store {
namespace {

using comments::DecidedByColumn;
using comments::ParseDecidedBy;
using comments::ReasonsFromJson;
using comments::ReasonsToJson;
using comments::RuleDecided;

using base::Result;
using base::Status;
using comments::AuditEntry;
using comments::Comment;
using comments::CommentState;
using comments::DecidedBy;

// Migration N is kMigrations[N - 1]. Never edit one that has shipped: add a
// new one. Each runs in its own transaction with its schema_migrations row.
constexpr const char* kMigrations[] = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE comments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  thread TEXT NOT NULL,
  parent_id TEXT REFERENCES comments(id),
  author_name TEXT NOT NULL,
  author_ip_hash TEXT NOT NULL,
  text TEXT NOT NULL,
  lang TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('published', 'held', 'deleted')),
  engine_decision TEXT NOT NULL CHECK (engine_decision IN ('publish', 'hold', 'delete')),
  reasons TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  hit_link INTEGER NOT NULL,
  hit_advertisement INTEGER NOT NULL,
  hit_inappropriate_language INTEGER NOT NULL,
  decided_by TEXT NOT NULL CHECK (decided_by IN ('engine', 'author', 'moderator')),
  decided_by_moderator TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  decided_at INTEGER NOT NULL,
  edit_token_hash TEXT NOT NULL
);
CREATE INDEX comments_by_thread ON comments (thread, seq);
CREATE INDEX comments_by_state ON comments (state, seq);
CREATE INDEX comments_by_created ON comments (created_at);
CREATE TABLE reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  comment_id TEXT NOT NULL REFERENCES comments(id),
  reason TEXT NOT NULL,
  ip_hash TEXT NOT NULL,
  at INTEGER NOT NULL,
  resolved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reports_open ON reports (comment_id) WHERE resolved = 0;
CREATE TABLE bans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author_name TEXT NOT NULL,
  ip_hash TEXT NOT NULL,
  moderator TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX bans_by_name ON bans (author_name);
CREATE INDEX bans_by_ip ON bans (ip_hash) WHERE ip_hash <> '';
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  moderator TEXT NOT NULL,
  action TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE moderators (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  moderator TEXT NOT NULL REFERENCES moderators(name) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_moderator ON sessions (moderator);
)sql",
    // 2: the keyed hash of each comment's normalized text, counted to catch
    // the same comment posted again and again (CountRecentText).
    R"sql(
ALTER TABLE comments ADD COLUMN text_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_by_text_hash ON comments (text_hash, created_at) WHERE text_hash <> '';
)sql",
    // 3: the moderation policy, one row per revision a moderator set; every
    // node puts the newest in force (GetPolicy / InsertPolicy).
    R"sql(
CREATE TABLE policies (
  revision INTEGER PRIMARY KEY,
  toml TEXT NOT NULL,
  set_by TEXT NOT NULL,
  set_at INTEGER NOT NULL
);
)sql",
    // 4: every version of a comment's text (comments.text is the current
    // one, `revision` its number). Comments stored before get their text as
    // revision 1, dated when that text was written.
    R"sql(
ALTER TABLE comments ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
CREATE TABLE comment_revisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  comment_id TEXT NOT NULL REFERENCES comments(id),
  number INTEGER NOT NULL,
  text TEXT NOT NULL,
  lang TEXT NOT NULL,
  engine_decision TEXT NOT NULL CHECK (engine_decision IN ('publish', 'hold', 'delete')),
  reasons TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  became_current INTEGER NOT NULL,
  UNIQUE (comment_id, number)
);
INSERT INTO comment_revisions (comment_id, number, text, lang, engine_decision, reasons,
                               policy_version, created_at, became_current)
  SELECT id, 1, text, lang, engine_decision, reasons, policy_version,
         COALESCE(edited_at, created_at), 1
  FROM comments ORDER BY seq;
)sql",
    // 5: each ban's author name as a NameKey (text::Normalizer::NameKey), so
    // that a banned author cannot return under a look-alike name. Bans made
    // before keep an empty key and are matched by their exact name.
    R"sql(
ALTER TABLE bans ADD COLUMN author_key TEXT NOT NULL DEFAULT '';
CREATE INDEX bans_by_key ON bans (author_key) WHERE author_key <> '';
)sql",
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

constexpr std::string_view kCommentColumns =
    "c.seq, c.id, c.thread, c.parent_id, c.author_name, c.author_ip_hash, c.text, c.lang, "
    "c.state, c.engine_decision, c.reasons, c.policy_version, c.decided_by, "
    "c.decided_by_moderator, c.created_at, c.edited_at, c.decided_at, c.edit_token_hash, "
    "(SELECT COUNT(*) FROM reports r WHERE r.comment_id = c.id AND r.resolved = 0), c.text_hash, "
    "c.revision";

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return base::UnavailableError("sqlite: {}: database is busy: {}", what, message);
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return base::AlreadyExistsError("sqlite: {}: {}", what, message);
  }
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL ||
      primary == SQLITE_READONLY) {
    return base::UnavailableError("sqlite: {}: {}", what, message);
  }
  return base::InternalError("sqlite: {}: {} (code {})", what, message, rc);
}

// A cached prepared statement borrowed for one use: bind, step, read, and
// it is reset when this goes out of scope. Owned by one thread.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept
      : db_(other.db_),
        stmt_(std::exchange(other.stmt_, nullptr)),
        next_(other.next_),
        bind_status_(other.bind_status_) {}
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  Statement& Bind(int64_t v) {
    Check(sqlite3_bind_int64(stmt_, ++next_, v));
    return *this;
  }
  Statement& Bind(std::string_view v) {
    Check(sqlite3_bind_text64(stmt_, ++next_, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Statement& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Statement& Bind(const char* v) { return Bind(std::string_view(v)); }
  Statement& BindBlob(std::string_view v) {
    Check(sqlite3_bind_blob64(stmt_, ++next_, v.data(), v.size(), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& BindNull() {
    Check(sqlite3_bind_null(stmt_, ++next_));
    return *this;
  }
  template <typename T>
  Statement& Bind(const std::optional<T>& v) {
    return v.has_value() ? Bind(*v) : BindNull();
  }

  // True when a row is available, false when done.
  Result<bool> Step() {
    if (!bind_status_.ok()) return bind_status_;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, sqlite3_extended_errcode(db_), sqlite3_sql(stmt_));
  }
  // Runs a statement that returns no rows (or ignores them).
  Status Run() {
    Result<bool> r = Step();
    while (r.ok() && *r) r = Step();
    return r.ok() ? base::OkStatus() : r.status();
  }

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(n));
  }
  std::string Blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(n));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(db_, rc, "bind");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 0;
  Status bind_status_;
};

// One sqlite3 connection and its prepared statements. Owned by one thread
// at a time (the pool hands it out).
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const SqliteOptions& options) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Status status =
          base::UnavailableError("sqlite: cannot open {}: {}", path,
                                 db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
      sqlite3_close_v2(db);
      return status;
    }
    auto conn = std::unique_ptr<Connection>(new Connection(db));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, options.busy_timeout_ms);
    // WAL lets readers run beside the writer; FULL syncs the WAL at every
    // commit, so an acknowledged comment survives a power cut.
    COMMENTD_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
    COMMENTD_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
    COMMENTD_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
    return conn;
  }

  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Status Exec(const char* sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      Status status = SqliteError(db_, sqlite3_extended_errcode(db_), "exec");
      sqlite3_free(error);
      return status;
    }
    return base::OkStatus();
  }

  Result<Statement> Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
      it = cache_.emplace(sql, stmt).first;
    }
    return Statement(db_, it->second);
  }

  sqlite3* db() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

Result<Comment> ReadComment(const Statement& s) {
  Comment c;
  c.seq = s.Int(0);
  c.id = s.Text(1);
  c.thread = s.Text(2);
  if (!s.IsNull(3)) c.parent_id = s.Text(3);
  c.author.name = s.Text(4);
  c.author.ip_hash = s.Text(5);
  c.text = s.Text(6);
  c.lang = s.Text(7);
  COMMENTD_ASSIGN_OR_RETURN(c.state, comments::ParseCommentState(s.Text(8)));
  COMMENTD_ASSIGN_OR_RETURN(c.engine_decision, moderation::ParseDecision(s.Text(9)));
  COMMENTD_ASSIGN_OR_RETURN(c.reasons, ReasonsFromJson(s.Text(10)));
  c.policy_version = s.Text(11);
  COMMENTD_ASSIGN_OR_RETURN(c.decided_by, ParseDecidedBy(s.Text(12)));
  c.decided_by_moderator = s.Text(13);
  c.created_at = base::FromUnixMicros(s.Int(14));
  if (!s.IsNull(15)) c.edited_at = base::FromUnixMicros(s.Int(15));
  c.decided_at = base::FromUnixMicros(s.Int(16));
  c.edit_token_hash = s.Text(17);
  c.open_reports = s.Int(18);
  c.text_hash = s.Text(19);
  c.revision = s.Int(20);
  return c;
}

Result<std::vector<Comment>> ReadComments(Statement& s) {
  std::vector<Comment> out;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    COMMENTD_ASSIGN_OR_RETURN(Comment c, ReadComment(s));
    out.push_back(std::move(c));
  }
  return out;
}

Result<comments::Session> ReadSession(const Statement& s) {
  comments::Session session;
  session.token_hash = s.Text(0);
  session.moderator = s.Text(1);
  session.csrf_token = s.Text(2);
  session.created_at = base::FromUnixMicros(s.Int(3));
  session.expires_at = base::FromUnixMicros(s.Int(4));
  return session;
}

Status InsertAudit(Connection& conn, const AuditEntry& e) {
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("INSERT INTO audit (at, moderator, action, comment_id, author, reason) "
                   "VALUES (?, ?, ?, ?, ?, ?)"));
  s.Bind(base::ToUnixMicros(e.at))
      .Bind(e.moderator)
      .Bind(comments::AuditActionName(e.action))
      .Bind(e.comment_id)
      .Bind(e.author)
      .Bind(e.reason);
  return s.Run();
}

// Appends `r` as revision `number` of comment `comment_id`.
Status InsertRevision(Connection& conn, std::string_view comment_id, int64_t number,
                      const comments::Revision& r) {
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("INSERT INTO comment_revisions (comment_id, number, text, lang, "
                   "engine_decision, reasons, policy_version, created_at, became_current) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(comment_id)
      .Bind(number)
      .Bind(r.text)
      .Bind(r.lang)
      .Bind(moderation::DecisionName(r.engine_decision))
      .Bind(ReasonsToJson(r.reasons))
      .Bind(r.policy_version)
      .Bind(base::ToUnixMicros(r.created_at))
      .Bind(static_cast<int64_t>(r.became_current ? 1 : 0));
  return s.Run();
}

Result<Comment> SelectComment(Connection& conn, std::string_view id) {
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare(fmt::format("SELECT {} FROM comments c WHERE c.id = ?", kCommentColumns)));
  s.Bind(id);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::NotFoundError("no comment {}", id);
  return ReadComment(s);
}

}  // namespace

// One write call waiting for the writer: its body, and its result once the
// batch that ran it is committed (or failed). Lives on the caller's stack;
// the caller blocks on its own condition variable until the leader of its
// batch says it is done, or hands it the lead. Each waiter is woken once,
// by name: no herd of waiters contends for one mutex after every batch.
struct PendingWrite {
  enum class Turn { kWait, kLead, kDone };

  Status (*invoke)(void* body, Connection& conn);
  void* body;
  Status result;  // written by the leader before kDone

  std::mutex mu;
  std::condition_variable cv;
  Turn turn = Turn::kWait;  // guarded by mu

  // Called by the leader. Notifying under `mu` keeps this object alive
  // until notify returns: the waiter cannot leave before it gets `mu`.
  void Signal(Turn t) {
    std::lock_guard<std::mutex> lock(mu);
    turn = t;
    cv.notify_one();
  }
  Turn Await() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return turn != Turn::kWait; });
    return turn;
  }
};

struct SqliteStore::Impl {
  std::string path;
  SqliteOptions options;

  // Group commit. Write calls queue up; whichever caller finds the writer
  // free becomes the leader, takes up to options.max_batch_writes queued
  // calls (its own among them unless the queue is longer) and runs them in
  // one transaction with one COMMIT, i.e. one fsync for the batch. Callers
  // that arrive while a batch runs wait for the next one; nobody waits for
  // more writers to arrive, so a lone write is committed at once.
  std::mutex queue_mu;
  std::deque<PendingWrite*> queue;  // guarded by queue_mu
  bool writer_busy = false;         // guarded by queue_mu
  int64_t writes_finished = 0;      // guarded by queue_mu
  int64_t batches_run = 0;          // guarded by queue_mu
  // Used only by the leader (writer_busy set by it), or during Create.
  std::unique_ptr<Connection> writer;

  std::mutex readers_mu;
  std::vector<std::unique_ptr<Connection>> idle_readers;  // guarded by readers_mu

  // Checkpoints copy the WAL back into the database file and fsync it,
  // which takes tens of milliseconds. SQLite's automatic checkpoint would
  // run them inside the COMMIT of whichever batch crosses the threshold,
  // stalling every writer queued behind it; instead the writer's WAL hook
  // asks this thread to run a PASSIVE checkpoint on its own connection,
  // beside the writer and the readers.
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool checkpoint_wanted = false;               // guarded by checkpoint_mu
  bool stopping = false;                        // guarded by checkpoint_mu
  int64_t checkpoints_run = 0;                  // guarded by checkpoint_mu
  std::unique_ptr<Connection> checkpoint_conn;  // used only by checkpointer
  std::thread checkpointer;

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(checkpoint_mu);
      stopping = true;
      checkpoint_cv.notify_all();
    }
    if (checkpointer.joinable()) checkpointer.join();
  }

  // sqlite3_wal_hook: runs on the writer after each commit.
  // Under a steady stream of commits a PASSIVE checkpoint never catches up
  // with the writer: the WAL is never fully copied, so it never starts over,
  // grows without bound and every commit appends to it (an append costs the
  // disk far more than an overwrite: the file's size changes with it). So
  // when the WAL reaches twice the threshold, the writer itself, between
  // batches, runs a checkpoint, which now only has the frames the
  // background one has not copied yet; the next transaction then rewrites
  // the WAL from its start.
  int wal_pages_seen = 0;  // last OnWalCommit count; used only by the leader

  void CheckpointIfTheWalOutgrewTheBackground() {
    if (wal_pages_seen < 2 * options.checkpoint_pages) return;
    wal_pages_seen = 0;
    (void)sqlite3_wal_checkpoint_v2(writer->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    std::lock_guard<std::mutex> lock(checkpoint_mu);
    ++checkpoints_run;
  }

  static int OnWalCommit(void* self, sqlite3*, const char*, int wal_pages) {
    auto* impl = static_cast<Impl*>(self);
    impl->wal_pages_seen = wal_pages;
    if (wal_pages >= impl->options.checkpoint_pages) {
      std::lock_guard<std::mutex> lock(impl->checkpoint_mu);
      impl->checkpoint_wanted = true;
      impl->checkpoint_cv.notify_one();
    }
    return SQLITE_OK;
  }

  void CheckpointLoop() {
    std::unique_lock<std::mutex> lock(checkpoint_mu);
    while (true) {
      checkpoint_cv.wait(lock, [this] { return checkpoint_wanted || stopping; });
      if (stopping) return;
      checkpoint_wanted = false;
      lock.unlock();
      // A failure (e.g. busy) is retried at the next commit's request; the
      // WAL keeps every committed write meanwhile.
      (void)sqlite3_wal_checkpoint_v2(checkpoint_conn->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                      nullptr, nullptr);
      lock.lock();
      ++checkpoints_run;
    }
  }

  Status StartCheckpointer() {
    COMMENTD_ASSIGN_OR_RETURN(checkpoint_conn, Connection::Open(path, options));
    sqlite3_wal_hook(writer->db(), &Impl::OnWalCommit, this);
    checkpointer = std::thread([this] { CheckpointLoop(); });
    return base::OkStatus();
  }

  // A read connection for the duration of one call; returned to the pool.
  class ReaderLease {
   public:
    ReaderLease(Impl* impl, std::unique_ptr<Connection> conn)
        : impl_(impl), conn_(std::move(conn)) {}
    ReaderLease(ReaderLease&&) = default;
    ~ReaderLease() {
      if (conn_ == nullptr) return;
      std::lock_guard<std::mutex> lock(impl_->readers_mu);
      if (static_cast<int>(impl_->idle_readers.size()) < impl_->options.max_idle_readers) {
        impl_->idle_readers.push_back(std::move(conn_));
      }
    }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Impl* impl_;
    std::unique_ptr<Connection> conn_;
  };

  Result<ReaderLease> Reader() {
    {
      std::lock_guard<std::mutex> lock(readers_mu);
      if (!idle_readers.empty()) {
        std::unique_ptr<Connection> conn = std::move(idle_readers.back());
        idle_readers.pop_back();
        return ReaderLease(this, std::move(conn));
      }
    }
    COMMENTD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(path, options));
    return ReaderLease(this, std::move(conn));
  }

  // Runs `body(writer)` as one isolated write: its changes are committed
  // (and fsynced) when this returns OK; when it returns an error nothing of
  // it is kept. Other callers' writes may share its transaction, each
  // under its own savepoint. `body` runs on whichever thread leads the
  // batch, while this caller waits.
  template <typename Body>
  Status Write(Body&& body) {
    using B = std::remove_reference_t<Body>;
    PendingWrite write;
    write.invoke = [](void* b, Connection& conn) -> Status { return (*static_cast<B*>(b))(conn); };
    write.body = static_cast<void*>(std::addressof(body));
    bool lead = false;
    {
      std::lock_guard<std::mutex> lock(queue_mu);
      queue.push_back(&write);
      if (!writer_busy) lead = writer_busy = true;
    }
    if (!lead && write.Await() == PendingWrite::Turn::kDone) return write.result;
    // Leading: run batches until this caller's own write is among them.
    bool own_done = false;
    while (!own_done) {
      std::vector<PendingWrite*> batch;
      {
        std::lock_guard<std::mutex> lock(queue_mu);
        const size_t n = std::min(queue.size(), static_cast<size_t>(options.max_batch_writes));
        batch.assign(queue.begin(), queue.begin() + static_cast<ptrdiff_t>(n));
        queue.erase(queue.begin(), queue.begin() + static_cast<ptrdiff_t>(n));
      }
      try {
        RunBatch(batch);
      } catch (const std::exception& e) {
        // Never leave the queue without a leader: every waiter would hang.
        if (!sqlite3_get_autocommit(writer->db())) (void)writer->Exec("ROLLBACK");
        for (PendingWrite* w : batch) {
          w->result = base::InternalError("sqlite: batch failed: {}", e.what());
        }
      }
      own_done = std::find(batch.begin(), batch.end(), &write) != batch.end();
      for (PendingWrite* w : batch) {
        if (w != &write) w->Signal(PendingWrite::Turn::kDone);
      }
      CheckpointIfTheWalOutgrewTheBackground();
      PendingWrite* next = nullptr;
      {
        std::lock_guard<std::mutex> lock(queue_mu);
        writes_finished += static_cast<int64_t>(batch.size());
        ++batches_run;
        if (own_done) {
          // Hand the writer to the oldest waiter, or free it.
          if (queue.empty()) {
            writer_busy = false;
          } else {
            next = queue.front();
          }
        }
      }
      if (next != nullptr) next->Signal(PendingWrite::Turn::kLead);
    }
    return write.result;
  }

  Status WriterExec(const std::string& sql) {
    COMMENTD_ASSIGN_OR_RETURN(Statement s, writer->Prepare(sql));
    return s.Run();
  }

  // Runs one write under a savepoint; on failure undoes exactly that write.
  Status RunOne(PendingWrite& w) {
    COMMENTD_RETURN_IF_ERROR(WriterExec("SAVEPOINT write"));
    Status status;
    try {
      status = w.invoke(w.body, *writer);
    } catch (const std::exception& e) {
      status = base::InternalError("sqlite: write failed: {}", e.what());
    }
    if (status.ok()) {
      status = WriterExec("RELEASE write");
      if (status.ok()) return status;
    }
    if (!sqlite3_get_autocommit(writer->db())) {
      (void)WriterExec("ROLLBACK TO write");
      (void)WriterExec("RELEASE write");
    }
    return status;
  }

  // Runs `batch` in BEGIN IMMEDIATE ... COMMIT. Each write's own failure is
  // its own; a failed BEGIN or COMMIT fails every write that had succeeded,
  // since none of them is durable.
  void RunBatch(const std::vector<PendingWrite*>& batch) {
    size_t first = 0;  // first write of the open transaction
    Status begin = WriterExec("BEGIN IMMEDIATE");
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!begin.ok()) {
        batch[i]->result = begin;
        continue;
      }
      batch[i]->result = RunOne(*batch[i]);
      if (!batch[i]->result.ok() && sqlite3_get_autocommit(writer->db())) {
        // SQLite rolled the whole transaction back (e.g. I/O error or a full
        // disk): the earlier writes of this batch are gone too.
        const Status lost = base::UnavailableError("sqlite: transaction rolled back: {}",
                                                   batch[i]->result.message());
        for (size_t j = first; j < i; ++j) {
          if (batch[j]->result.ok()) batch[j]->result = lost;
        }
        first = i + 1;
        begin = WriterExec("BEGIN IMMEDIATE");
      }
    }
    if (!begin.ok()) return;
    Status commit = WriterExec("COMMIT");
    if (commit.ok()) return;
    if (!sqlite3_get_autocommit(writer->db())) (void)WriterExec("ROLLBACK");
    for (size_t j = first; j < batch.size(); ++j) {
      if (batch[j]->result.ok()) batch[j]->result = commit;
    }
  }

  SqliteWriteStats Stats() {
    SqliteWriteStats stats;
    {
      std::lock_guard<std::mutex> lock(queue_mu);
      stats.writes = writes_finished;
      stats.batches = batches_run;
      stats.queued = static_cast<int64_t>(queue.size());
    }
    std::lock_guard<std::mutex> lock(checkpoint_mu);
    stats.checkpoints = checkpoints_run;
    return stats;
  }

  Result<int> AppliedVersion(Connection& conn) {
    COMMENTD_ASSIGN_OR_RETURN(
        Statement s, conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return base::InternalError("sqlite: schema_migrations is unreadable");
    return static_cast<int>(s.Int(0));
  }

  Status Migrate() {
    COMMENTD_RETURN_IF_ERROR(
        writer->Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
    const int target = options.schema_version > 0 ? std::min(options.schema_version, kLatestVersion)
                                                  : kLatestVersion;
    for (int version = 1; version <= target; ++version) {
      Status status = Write([&](Connection& conn) -> Status {
        // Re-read inside the transaction: another process may have migrated.
        COMMENTD_ASSIGN_OR_RETURN(int applied, AppliedVersion(conn));
        if (applied > kLatestVersion) {
          return base::FailedPreconditionError(
              "sqlite: {} has schema version {}, newer than this commentd knows ({})", path,
              applied, kLatestVersion);
        }
        if (applied >= version) return base::OkStatus();
        COMMENTD_RETURN_IF_ERROR(
            conn.Exec(kMigrations[version - 1]).WithContext(fmt::format("migration {}", version)));
        COMMENTD_ASSIGN_OR_RETURN(
            Statement s,
            conn.Prepare("INSERT INTO schema_migrations (version, applied_at) "
                         "VALUES (?, CAST(strftime('%s', 'now') AS INTEGER) * 1000000)"));
        s.Bind(static_cast<int64_t>(version));
        return s.Run();
      });
      COMMENTD_RETURN_IF_ERROR(status);
    }
    // A file migrated by a newer build with no pending step still lands here.
    COMMENTD_ASSIGN_OR_RETURN(int applied, AppliedVersion(*writer));
    if (applied > kLatestVersion) {
      return base::FailedPreconditionError(
          "sqlite: {} has schema version {}, newer than this commentd knows ({})", path, applied,
          kLatestVersion);
    }
    return base::OkStatus();
  }
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

int SqliteStore::LatestSchemaVersion() { return kLatestVersion; }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Create(const std::string& path,
                                                         SqliteOptions options) {
  if (path.empty()) return base::InvalidArgumentError("db: the database path is empty");
  if (options.checkpoint_pages < 1) {
    return base::InvalidArgumentError("checkpoint_pages: must be at least 1, got {}",
                                      options.checkpoint_pages);
  }
  if (options.max_batch_writes < 1) {
    return base::InvalidArgumentError("max_batch_writes: must be at least 1, got {}",
                                      options.max_batch_writes);
  }
  if (sqlite3_threadsafe() == 0) {
    return base::InternalError("sqlite: the library was built without thread support");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  COMMENTD_ASSIGN_OR_RETURN(impl->writer, Connection::Open(path, options));
  COMMENTD_RETURN_IF_ERROR(impl->Migrate());
  COMMENTD_RETURN_IF_ERROR(impl->StartCheckpointer());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

SqliteWriteStats SqliteStore::WriteStats() { return impl_->Stats(); }

Result<int> SqliteStore::SchemaVersion() {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  return impl_->AppliedVersion(*reader);
}

Result<std::string> SqliteStore::GetOrInsertSetting(std::string_view name,
                                                    std::string_view value_if_absent) {
  std::string value;
  Status status = impl_->Write([&](Connection& conn) -> Status {
    {
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s, conn.Prepare("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)"));
      s.Bind(name).BindBlob(value_if_absent);
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    COMMENTD_ASSIGN_OR_RETURN(Statement s,
                              conn.Prepare("SELECT value FROM settings WHERE name = ?"));
    s.Bind(name);
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return base::InternalError("sqlite: setting {} vanished", name);
    value = s.Blob(0);
    return base::OkStatus();
  });
  COMMENTD_RETURN_IF_ERROR(status);
  return value;
}

Result<Comment> SqliteStore::InsertComment(const Comment& comment) {
  Comment stored;
  Status status = impl_->Write([&](Connection& conn) -> Status {
    if (comment.parent_id.has_value()) {
      COMMENTD_ASSIGN_OR_RETURN(Statement s,
                                conn.Prepare("SELECT thread FROM comments WHERE id = ?"));
      s.Bind(*comment.parent_id);
      COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row || s.Text(0) != comment.thread) {
        return base::InvalidArgumentError("parent_id: no comment {} in thread {}",
                                          *comment.parent_id, comment.thread);
      }
    }
    {
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s,
          conn.Prepare(
              "INSERT INTO comments (id, thread, parent_id, author_name, author_ip_hash, text, "
              "lang, state, engine_decision, reasons, policy_version, hit_link, "
              "hit_advertisement, hit_inappropriate_language, decided_by, decided_by_moderator, "
              "created_at, edited_at, decided_at, edit_token_hash, text_hash, revision) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"));
      s.Bind(comment.id)
          .Bind(comment.thread)
          .Bind(comment.parent_id)
          .Bind(comment.author.name)
          .Bind(comment.author.ip_hash)
          .Bind(comment.text)
          .Bind(comment.lang)
          .Bind(comments::CommentStateName(comment.state))
          .Bind(moderation::DecisionName(comment.engine_decision))
          .Bind(ReasonsToJson(comment.reasons))
          .Bind(comment.policy_version)
          .Bind(static_cast<int64_t>(RuleDecided(comment.reasons, moderation::Rule::kLink)))
          .Bind(
              static_cast<int64_t>(RuleDecided(comment.reasons, moderation::Rule::kAdvertisement)))
          .Bind(static_cast<int64_t>(
              RuleDecided(comment.reasons, moderation::Rule::kInappropriateLanguage)))
          .Bind(DecidedByColumn(comment.decided_by))
          .Bind(comment.decided_by_moderator)
          .Bind(base::ToUnixMicros(comment.created_at));
      if (comment.edited_at.has_value()) {
        s.Bind(base::ToUnixMicros(*comment.edited_at));
      } else {
        s.BindNull();
      }
      s.Bind(base::ToUnixMicros(comment.decided_at))
          .Bind(comment.edit_token_hash)
          .Bind(comment.text_hash);
      Status run = s.Run();
      if (run.code() == base::StatusCode::kAlreadyExists) {
        return base::AlreadyExistsError("comment {} already exists", comment.id);
      }
      COMMENTD_RETURN_IF_ERROR(run);
    }
    COMMENTD_RETURN_IF_ERROR(
        InsertRevision(conn, comment.id, 1, comments::CurrentRevisionOf(comment)));
    COMMENTD_ASSIGN_OR_RETURN(stored, SelectComment(conn, comment.id));
    return base::OkStatus();
  });
  COMMENTD_RETURN_IF_ERROR(status);
  return stored;
}

Result<Comment> SqliteStore::GetComment(std::string_view id) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  return SelectComment(*reader, id);
}

Result<std::vector<Comment>> SqliteStore::ListThread(std::string_view thread) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare(fmt::format("SELECT {} FROM comments c WHERE c.thread = ? ORDER BY c.seq",
                                  kCommentColumns)));
  s.Bind(thread);
  return ReadComments(s);
}

Result<std::map<std::string, int64_t>> SqliteStore::CountPublished(
    const std::vector<std::string>& threads) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  std::map<std::string, int64_t> counts;
  // One indexed lookup per key; the caller bounds the number of keys.
  for (const std::string& thread : threads) {
    COMMENTD_ASSIGN_OR_RETURN(
        Statement s,
        reader->Prepare("SELECT COUNT(*) FROM comments WHERE thread = ? AND state = 'published'"));
    s.Bind(thread);
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    counts[thread] = row ? s.Int(0) : 0;
  }
  return counts;
}

Result<Comment> SqliteStore::UpdateComment(std::string_view id,
                                           const comments::CommentMutation& mutate) {
  Comment stored;
  Status status = impl_->Write([&](Connection& conn) -> Status {
    COMMENTD_ASSIGN_OR_RETURN(Comment current, SelectComment(conn, id));
    Comment changed = current;
    COMMENTD_ASSIGN_OR_RETURN(comments::CommentUpdateEffects effects, mutate(changed));
    changed.revision = current.revision;
    if (effects.revision.has_value()) {
      int64_t number = 0;
      {
        COMMENTD_ASSIGN_OR_RETURN(
            Statement s, conn.Prepare("SELECT COALESCE(MAX(number), 0) + 1 FROM comment_revisions "
                                      "WHERE comment_id = ?"));
        s.Bind(current.id);
        COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return base::InternalError("sqlite: no next revision number for {}", current.id);
        number = s.Int(0);
      }
      COMMENTD_RETURN_IF_ERROR(InsertRevision(conn, current.id, number, *effects.revision));
      if (effects.revision->became_current) changed.revision = number;
    }
    {
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s,
          conn.Prepare("UPDATE comments SET text = ?, lang = ?, state = ?, engine_decision = ?, "
                       "reasons = ?, policy_version = ?, hit_link = ?, hit_advertisement = ?, "
                       "hit_inappropriate_language = ?, decided_by = ?, "
                       "decided_by_moderator = ?, edited_at = ?, decided_at = ?, text_hash = ?, "
                       "revision = ? WHERE id = ?"));
      s.Bind(changed.text)
          .Bind(changed.lang)
          .Bind(comments::CommentStateName(changed.state))
          .Bind(moderation::DecisionName(changed.engine_decision))
          .Bind(ReasonsToJson(changed.reasons))
          .Bind(changed.policy_version)
          .Bind(static_cast<int64_t>(RuleDecided(changed.reasons, moderation::Rule::kLink)))
          .Bind(
              static_cast<int64_t>(RuleDecided(changed.reasons, moderation::Rule::kAdvertisement)))
          .Bind(static_cast<int64_t>(
              RuleDecided(changed.reasons, moderation::Rule::kInappropriateLanguage)))
          .Bind(DecidedByColumn(changed.decided_by))
          .Bind(changed.decided_by_moderator);
      if (changed.edited_at.has_value()) {
        s.Bind(base::ToUnixMicros(*changed.edited_at));
      } else {
        s.BindNull();
      }
      s.Bind(base::ToUnixMicros(changed.decided_at))
          .Bind(changed.text_hash)
          .Bind(changed.revision)
          .Bind(current.id);
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    if (effects.resolve_reports) {
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s,
          conn.Prepare("UPDATE reports SET resolved = 1 WHERE comment_id = ? AND resolved = 0"));
      s.Bind(current.id);
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    if (effects.ban.has_value()) {
      const comments::Ban& ban = *effects.ban;
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s,
          conn.Prepare("INSERT INTO bans (author_name, ip_hash, moderator, reason, at, author_key) "
                       "VALUES (?, ?, ?, ?, ?, ?)"));
      s.Bind(ban.author_name)
          .Bind(ban.ip_hash)
          .Bind(ban.moderator)
          .Bind(ban.reason)
          .Bind(base::ToUnixMicros(ban.at))
          .Bind(ban.author_key);
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    if (effects.audit.has_value()) COMMENTD_RETURN_IF_ERROR(InsertAudit(conn, *effects.audit));
    COMMENTD_ASSIGN_OR_RETURN(stored, SelectComment(conn, current.id));
    return base::OkStatus();
  });
  COMMENTD_RETURN_IF_ERROR(status);
  return stored;
}

Result<std::vector<comments::Revision>> SqliteStore::ListRevisions(std::string_view id) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare("SELECT comment_id, number, text, lang, engine_decision, reasons, "
                      "policy_version, created_at, became_current FROM comment_revisions "
                      "WHERE comment_id = ? ORDER BY number"));
  s.Bind(id);
  std::vector<comments::Revision> out;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    comments::Revision r;
    r.comment_id = s.Text(0);
    r.number = s.Int(1);
    r.text = s.Text(2);
    r.lang = s.Text(3);
    COMMENTD_ASSIGN_OR_RETURN(r.engine_decision, moderation::ParseDecision(s.Text(4)));
    COMMENTD_ASSIGN_OR_RETURN(r.reasons, ReasonsFromJson(s.Text(5)));
    r.policy_version = s.Text(6);
    r.created_at = base::FromUnixMicros(s.Int(7));
    r.became_current = s.Int(8) != 0;
    out.push_back(std::move(r));
  }
  // Every comment has revision 1 (migration 4 gave older ones theirs).
  if (out.empty()) return base::NotFoundError("no comment {}", id);
  return out;
}

Status SqliteStore::AddReport(const comments::Report& report) {
  return impl_->Write([&](Connection& conn) -> Status {
    {
      COMMENTD_ASSIGN_OR_RETURN(Statement s, conn.Prepare("SELECT 1 FROM comments WHERE id = ?"));
      s.Bind(report.comment_id);
      COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return base::NotFoundError("no comment {}", report.comment_id);
    }
    COMMENTD_ASSIGN_OR_RETURN(
        Statement s,
        conn.Prepare("INSERT INTO reports (comment_id, reason, ip_hash, at) SELECT ?, ?, ?, ? "
                     "WHERE ? = '' OR NOT EXISTS (SELECT 1 FROM reports WHERE comment_id = ? "
                     "AND ip_hash = ?)"));
    s.Bind(report.comment_id)
        .Bind(report.reason)
        .Bind(report.ip_hash)
        .Bind(base::ToUnixMicros(report.at))
        .Bind(report.ip_hash)
        .Bind(report.comment_id)
        .Bind(report.ip_hash);
    return s.Run();
  });
}

Result<comments::Page<Comment>> SqliteStore::ListQueue(comments::Queue queue,
                                                       std::optional<comments::Cursor> after,
                                                       int limit) {
  if (limit < 1) return base::InvalidArgumentError("limit: must be at least 1, got {}", limit);
  std::string where;
  switch (queue) {
    case comments::Queue::kHeld:
      where = "c.state = 'held'";
      break;
    case comments::Queue::kDeleted:
      where = "c.state = 'deleted'";
      break;
    case comments::Queue::kPublished:
      where = "c.state = 'published'";
      break;
    case comments::Queue::kReported:
      where =
          "c.state = 'published' AND EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id "
          "AND r.resolved = 0)";
      break;
  }
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare(fmt::format(
          "SELECT {} FROM comments c WHERE {} AND c.seq < ? ORDER BY c.seq DESC LIMIT ?",
          kCommentColumns, where)));
  s.Bind(after.has_value() ? after->seq : INT64_MAX).Bind(static_cast<int64_t>(limit) + 1);
  COMMENTD_ASSIGN_OR_RETURN(std::vector<Comment> rows, ReadComments(s));
  comments::Page<Comment> page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<size_t>(limit));
    page.next = comments::Cursor{rows.back().seq};
  }
  page.items = std::move(rows);
  return page;
}

Result<bool> SqliteStore::IsBanned(std::string_view author_name, std::string_view author_key,
                                   std::string_view ip_hash) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare(
          "SELECT EXISTS (SELECT 1 FROM bans WHERE author_name = ?) OR "
          "(? <> '' AND EXISTS (SELECT 1 FROM bans WHERE author_key = ? AND author_key <> '')) OR "
          "(? <> '' AND EXISTS (SELECT 1 FROM bans WHERE ip_hash = ? AND ip_hash <> ''))"));
  s.Bind(author_name).Bind(author_key).Bind(author_key).Bind(ip_hash).Bind(ip_hash);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  return row && s.Int(0) != 0;
}

Result<int64_t> SqliteStore::CountRecentText(std::string_view text_hash, base::Time since) {
  if (text_hash.empty()) return int64_t{0};
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      // "text_hash <> ''" repeats the partial index's condition so that the
      // planner uses comments_by_text_hash instead of scanning every comment
      // of the window through comments_by_created.
      reader->Prepare("SELECT COUNT(*) FROM comments "
                      "WHERE text_hash = ? AND text_hash <> '' AND created_at >= ?"));
  s.Bind(text_hash).Bind(base::ToUnixMicros(since));
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : int64_t{0};
}

Status SqliteStore::AppendAudit(const AuditEntry& entry) {
  return impl_->Write([&](Connection& conn) { return InsertAudit(conn, entry); });
}

Result<comments::Page<AuditEntry>> SqliteStore::ListAudit(std::optional<comments::Cursor> after,
                                                          int limit) {
  if (limit < 1) return base::InvalidArgumentError("limit: must be at least 1, got {}", limit);
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare("SELECT id, at, moderator, action, comment_id, author, reason FROM audit "
                      "WHERE id < ? ORDER BY id DESC LIMIT ?"));
  s.Bind(after.has_value() ? after->seq : INT64_MAX).Bind(static_cast<int64_t>(limit) + 1);
  comments::Page<AuditEntry> page;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = comments::Cursor{page.items.back().id};
      break;
    }
    AuditEntry e;
    e.id = s.Int(0);
    e.at = base::FromUnixMicros(s.Int(1));
    e.moderator = s.Text(2);
    const std::string action = s.Text(3);
    auto parsed = comments::ParseAuditAction(action);
    if (!parsed.ok()) return base::InternalError("sqlite: corrupt audit action \"{}\"", action);
    e.action = *parsed;
    e.comment_id = s.Text(4);
    e.author = s.Text(5);
    e.reason = s.Text(6);
    page.items.push_back(std::move(e));
  }
  return page;
}

Result<std::vector<comments::DayStats>> SqliteStore::Stats(base::Time from, base::Time to) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  // created_at is in microseconds; integer division buckets by UTC day
  // (timestamps before 1970 do not occur).
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare("SELECT created_at / 86400000000 AS day, "
                      "SUM(engine_decision = 'publish'), SUM(engine_decision = 'hold'), "
                      "SUM(engine_decision = 'delete'), SUM(hit_link), SUM(hit_advertisement), "
                      "SUM(hit_inappropriate_language) FROM comments "
                      "WHERE created_at >= ? AND created_at < ? GROUP BY day ORDER BY day"));
  s.Bind(base::ToUnixMicros(from)).Bind(base::ToUnixMicros(to));
  std::vector<comments::DayStats> out;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    comments::DayStats d;
    d.day = s.Int(0);
    d.publish = s.Int(1);
    d.hold = s.Int(2);
    d.del = s.Int(3);
    d.link = s.Int(4);
    d.advertisement = s.Int(5);
    d.inappropriate_language = s.Int(6);
    out.push_back(d);
  }
  return out;
}

Status SqliteStore::InsertModerator(const comments::ModeratorAccount& account,
                                    const AuditEntry& audit) {
  return impl_->Write([&](Connection& conn) -> Status {
    COMMENTD_ASSIGN_OR_RETURN(
        Statement s,
        conn.Prepare("INSERT INTO moderators (name, password_hash, created_at) VALUES (?, ?, ?)"));
    s.Bind(account.name).Bind(account.password_hash).Bind(base::ToUnixMicros(account.created_at));
    Status run = s.Run();
    if (run.code() == base::StatusCode::kAlreadyExists) {
      return base::AlreadyExistsError("name: moderator {} already exists", account.name);
    }
    COMMENTD_RETURN_IF_ERROR(run);
    return InsertAudit(conn, audit);
  });
}

Result<comments::StoredPolicy> SqliteStore::GetPolicy() {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(Statement s,
                            reader->Prepare("SELECT revision, toml, set_by, set_at FROM policies "
                                            "ORDER BY revision DESC LIMIT 1"));
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return comments::StoredPolicy{};
  return comments::StoredPolicy{s.Int(0), s.Text(1), s.Text(2), base::FromUnixMicros(s.Int(3))};
}

Result<comments::StoredPolicy> SqliteStore::InsertPolicy(std::string_view toml,
                                                         std::string_view set_by, base::Time at,
                                                         const AuditEntry& audit) {
  comments::StoredPolicy stored;
  COMMENTD_RETURN_IF_ERROR(impl_->Write([&](Connection& conn) -> Status {
    int64_t revision = 1;
    {
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s, conn.Prepare("SELECT COALESCE(MAX(revision), 0) + 1 FROM policies"));
      COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) revision = s.Int(0);
    }
    {
      COMMENTD_ASSIGN_OR_RETURN(
          Statement s,
          conn.Prepare(
              "INSERT INTO policies (revision, toml, set_by, set_at) VALUES (?, ?, ?, ?)"));
      s.Bind(revision).Bind(toml).Bind(set_by).Bind(base::ToUnixMicros(at));
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    stored = comments::StoredPolicy{revision, std::string(toml), std::string(set_by), at};
    return InsertAudit(conn, audit);
  }));
  return stored;
}

Result<comments::ModeratorAccount> SqliteStore::GetModerator(std::string_view name) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare("SELECT name, password_hash, created_at FROM moderators WHERE name = ?"));
  s.Bind(name);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::NotFoundError("no moderator {}", name);
  return comments::ModeratorAccount{s.Text(0), s.Text(1), base::FromUnixMicros(s.Int(2))};
}

Result<std::vector<comments::ModeratorAccount>> SqliteStore::ListModerators() {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare("SELECT name, password_hash, created_at FROM moderators ORDER BY name"));
  std::vector<comments::ModeratorAccount> out;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), base::FromUnixMicros(s.Int(2))});
  }
  return out;
}

Status SqliteStore::RemoveModerator(std::string_view name, const AuditEntry& audit) {
  return impl_->Write([&](Connection& conn) -> Status {
    {
      COMMENTD_ASSIGN_OR_RETURN(Statement s,
                                conn.Prepare("DELETE FROM sessions WHERE moderator = ?"));
      s.Bind(name);
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    {
      COMMENTD_ASSIGN_OR_RETURN(Statement s, conn.Prepare("DELETE FROM moderators WHERE name = ?"));
      s.Bind(name);
      COMMENTD_RETURN_IF_ERROR(s.Run());
    }
    if (sqlite3_changes(conn.db()) == 0) return base::NotFoundError("no moderator {}", name);
    return InsertAudit(conn, audit);
  });
}

Status SqliteStore::InsertSession(const comments::Session& session) {
  return impl_->Write([&](Connection& conn) -> Status {
    {
      COMMENTD_ASSIGN_OR_RETURN(Statement s,
                                conn.Prepare("SELECT 1 FROM moderators WHERE name = ?"));
      s.Bind(session.moderator);
      COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return base::NotFoundError("no moderator {}", session.moderator);
    }
    COMMENTD_ASSIGN_OR_RETURN(
        Statement s,
        conn.Prepare("INSERT INTO sessions (token_hash, moderator, csrf_token, created_at, "
                     "expires_at) VALUES (?, ?, ?, ?, ?)"));
    s.Bind(session.token_hash)
        .Bind(session.moderator)
        .Bind(session.csrf_token)
        .Bind(base::ToUnixMicros(session.created_at))
        .Bind(base::ToUnixMicros(session.expires_at));
    return s.Run();
  });
}

Result<comments::Session> SqliteStore::GetSession(std::string_view token_hash) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(Statement s,
                            reader->Prepare("SELECT token_hash, moderator, csrf_token, created_at, "
                                            "expires_at FROM sessions WHERE token_hash = ?"));
  s.Bind(token_hash);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::NotFoundError("no such session");
  return ReadSession(s);
}

Status SqliteStore::DeleteSession(std::string_view token_hash) {
  return impl_->Write([&](Connection& conn) -> Status {
    COMMENTD_ASSIGN_OR_RETURN(Statement s,
                              conn.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    s.Bind(token_hash);
    return s.Run();
  });
}

Status SqliteStore::DeleteExpiredSessions(base::Time now) {
  return impl_->Write([&](Connection& conn) -> Status {
    COMMENTD_ASSIGN_OR_RETURN(Statement s,
                              conn.Prepare("DELETE FROM sessions WHERE expires_at <= ?"));
    s.Bind(base::ToUnixMicros(now));
    return s.Run();
  });
}

// --- one query each, for the request path (CommentService::Post and Edit)

Result<comments::CommentDepth> SqliteStore::GetCommentWithDepth(std::string_view id) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  // Walks up from the comment through its ancestors; the bound only guards
  // against a cycle a damaged file could hold (inserts never make one).
  static const std::string kSql = fmt::format(
      "WITH RECURSIVE up(id, parent_id, depth) AS ("
      "SELECT id, parent_id, 0 FROM comments WHERE id = ?1 "
      "UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM comments p "
      "JOIN up ON p.id = up.parent_id WHERE up.depth < 1000) "
      "SELECT {}, (SELECT MAX(depth) FROM up) FROM comments c WHERE c.id = ?1",
      kCommentColumns);
  COMMENTD_ASSIGN_OR_RETURN(Statement s, reader->Prepare(kSql));
  s.Bind(id);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::NotFoundError("no comment {}", id);
  comments::CommentDepth out;
  COMMENTD_ASSIGN_OR_RETURN(out.comment, ReadComment(s));
  out.depth = static_cast<int>(s.Int(21));
  return out;
}

Result<int64_t> SqliteStore::CountRevisions(std::string_view id) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s, reader->Prepare("SELECT COUNT(*) FROM comment_revisions WHERE comment_id = ?"));
  s.Bind(id);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : int64_t{0};
}

Result<bool> SqliteStore::IsWriterBanned(std::string_view author_name, std::string_view author_key,
                                         std::string_view ip_hash,
                                         std::string_view previous_ip_hash) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare(
          "SELECT EXISTS (SELECT 1 FROM bans WHERE author_name = ?1) OR "
          "(?2 <> '' AND EXISTS (SELECT 1 FROM bans WHERE author_key = ?2 AND author_key <> '')) "
          "OR (?3 <> '' AND EXISTS (SELECT 1 FROM bans WHERE ip_hash = ?3 AND ip_hash <> '')) "
          "OR (?4 <> '' AND EXISTS (SELECT 1 FROM bans WHERE ip_hash = ?4 AND ip_hash <> ''))"));
  s.Bind(author_name).Bind(author_key).Bind(ip_hash).Bind(previous_ip_hash);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  return row && s.Int(0) != 0;
}

}  // namespace commentd::store
