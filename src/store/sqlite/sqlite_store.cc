#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "base/mutex.h"
#include "comments/stored_form.h"
#include "store/row_mapping.h"
#include "store/schema.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/wal_checkpointer.h"

namespace commentd::store {
namespace {

using sqlite::Connection;
using sqlite::GroupCommit;
using sqlite::GroupCommitStats;
using sqlite::Statement;
using sqlite::WalCheckpointer;

using base::Result;
using base::Status;
using comments::AuditEntry;
using comments::Comment;

const std::string kCommentColumns = CommentColumns(schema::Dialect::kSqlite);

// A Statement's current row, read through the stores' shared mappings.
class StatementRow final : public Row {
 public:
  explicit StatementRow(const Statement& s) : s_(s) {}
  bool IsNull(int col) const override { return s_.IsNull(col); }
  Result<int64_t> Int(int col) const override { return s_.Int(col); }
  std::string Text(int col) const override { return s_.Text(col); }
  bool Bool(int col) const override { return s_.Int(col) != 0; }

 private:
  const Statement& s_;
};

Result<Comment> ReadComment(const Statement& s) { return CommentFromRow(StatementRow(s)); }

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

// Binds `values` in order, booleans as 0/1.
Statement& BindValues(Statement& s, const std::vector<Value>& values) {
  for (const Value& v : values) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
      s.Bind(*i);
    } else if (const auto* b = std::get_if<bool>(&v)) {
      s.Bind(int64_t{*b ? 1 : 0});
    } else if (const auto* text = std::get_if<std::string>(&v)) {
      s.Bind(*text);
    } else {
      s.BindNull();
    }
  }
  return s;
}

Status InsertAudit(Connection& conn, const AuditEntry& e) {
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("INSERT INTO audit (at, moderator, action, comment_id, author, reason) "
                   "VALUES (?, ?, ?, ?, ?, ?)"));
  BindValues(s, AuditValues(e));
  return s.Run();
}

// Appends `r` as revision `number` of comment `comment_id`.
Status InsertRevision(Connection& conn, std::string_view comment_id, int64_t number,
                      const comments::Revision& r) {
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s, conn.Prepare(fmt::format(
                       "INSERT INTO comment_revisions ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       kRevisionColumns)));
  BindValues(s, RevisionValues(comment_id, number, r));
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

struct SqliteStore::Impl {
  std::string path;
  SqliteOptions options;
  // Used by the group-commit leader only (and by Create before that).
  std::unique_ptr<Connection> writer;
  std::unique_ptr<GroupCommit> writes;
  std::unique_ptr<WalCheckpointer> checkpointer;  // set once Create has migrated

  base::Mutex readers_mu;
  std::vector<std::unique_ptr<Connection>> idle_readers GUARDED_BY(readers_mu);

  // A read connection for the duration of one call; returned to the pool.
  class ReaderLease {
   public:
    ReaderLease(Impl* impl, std::unique_ptr<Connection> conn)
        : impl_(impl), conn_(std::move(conn)) {}
    ReaderLease(ReaderLease&&) = default;
    ~ReaderLease() {
      if (conn_ == nullptr) return;
      base::MutexLock lock(&impl_->readers_mu);
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

  Result<ReaderLease> Reader() EXCLUDES(readers_mu) {
    {
      base::MutexLock lock(&readers_mu);
      if (!idle_readers.empty()) {
        std::unique_ptr<Connection> conn = std::move(idle_readers.back());
        idle_readers.pop_back();
        return ReaderLease(this, std::move(conn));
      }
    }
    COMMENTD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                              Connection::Open(path, options.busy_timeout_ms));
    return ReaderLease(this, std::move(conn));
  }

  // Runs `body(Connection&) -> Status` as one isolated write (GroupCommit::Write).
  template <typename Body>
  Status Write(Body&& body) {
    return writes->Write(std::forward<Body>(body));
  }

  SqliteWriteStats Stats() {
    const GroupCommitStats w = writes->Stats();
    return SqliteWriteStats{w.writes, w.batches, w.queued,
                            checkpointer != nullptr ? checkpointer->checkpoints() : 0};
  }

  Result<int> AppliedVersion(Connection& conn) {
    COMMENTD_ASSIGN_OR_RETURN(
        Statement s, conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return base::InternalError("sqlite: schema_migrations is unreadable");
    return static_cast<int>(s.Int(0));
  }

  Status TooNew(int applied) const {
    return base::FailedPreconditionError(
        "sqlite: {} has schema version {}, newer than this commentd knows ({})", path, applied,
        schema::LatestVersion());
  }

  // Each migration runs in its own transaction with its schema_migrations row.
  Status Migrate() {
    COMMENTD_RETURN_IF_ERROR(
        writer->Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
    const int latest = schema::LatestVersion();
    const int target =
        options.schema_version > 0 ? std::min(options.schema_version, latest) : latest;
    for (int version = 1; version <= target; ++version) {
      Status status = Write([&](Connection& conn) -> Status {
        // Re-read inside the transaction: another process may have migrated.
        COMMENTD_ASSIGN_OR_RETURN(int applied, AppliedVersion(conn));
        if (applied > latest) return TooNew(applied);
        if (applied >= version) return base::OkStatus();
        const std::string sql = schema::MigrationSql(schema::Dialect::kSqlite, version);
        COMMENTD_RETURN_IF_ERROR(
            conn.Exec(sql.c_str()).WithContext(fmt::format("migration {}", version)));
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
    if (applied > latest) return TooNew(applied);
    return base::OkStatus();
  }
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

int SqliteStore::LatestSchemaVersion() { return schema::LatestVersion(); }

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
  COMMENTD_ASSIGN_OR_RETURN(impl->writer, Connection::Open(path, options.busy_timeout_ms));
  Impl* raw = impl.get();
  impl->writes = std::make_unique<GroupCommit>(*impl->writer, options.max_batch_writes, [raw] {
    if (raw->checkpointer != nullptr) raw->checkpointer->AfterBatch();
  });
  COMMENTD_RETURN_IF_ERROR(impl->Migrate());
  COMMENTD_ASSIGN_OR_RETURN(impl->checkpointer,
                            WalCheckpointer::Start(path, options.busy_timeout_ms, *impl->writer,
                                                   options.checkpoint_pages));
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
      BindValues(s, CommentInsertValues(comment));
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
      BindValues(s, CommentUpdateValues(changed)).Bind(current.id);
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
      BindValues(s, BanValues(ban));
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
      Statement s, reader->Prepare(fmt::format(
                       "SELECT {} FROM comment_revisions WHERE comment_id = ? ORDER BY number",
                       kRevisionColumns)));
  s.Bind(id);
  std::vector<comments::Revision> out;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    COMMENTD_ASSIGN_OR_RETURN(comments::Revision r, RevisionFromRow(StatementRow(s)));
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
  COMMENTD_RETURN_IF_ERROR(CheckLimit(limit));
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare(fmt::format(
          "SELECT {} FROM comments c WHERE {} AND c.seq < ? ORDER BY c.seq DESC LIMIT ?",
          kCommentColumns, QueueCondition(queue, schema::Dialect::kSqlite))));
  s.Bind(after.has_value() ? after->seq : INT64_MAX).Bind(static_cast<int64_t>(limit) + 1);
  COMMENTD_ASSIGN_OR_RETURN(std::vector<Comment> rows, ReadComments(s));
  return PageOf(std::move(rows), limit, [](const Comment& c) { return c.seq; });
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
  COMMENTD_RETURN_IF_ERROR(CheckLimit(limit));
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s,
      reader->Prepare(fmt::format("SELECT {} FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
                                  kAuditColumns)));
  s.Bind(after.has_value() ? after->seq : INT64_MAX).Bind(static_cast<int64_t>(limit) + 1);
  std::vector<AuditEntry> rows;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    COMMENTD_ASSIGN_OR_RETURN(AuditEntry e, AuditEntryFromRow(StatementRow(s), "sqlite"));
    rows.push_back(std::move(e));
  }
  return PageOf(std::move(rows), limit, [](const AuditEntry& e) { return e.id; });
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
    if (conn.Changes() == 0) return base::NotFoundError("no moderator {}", name);
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
  COMMENTD_ASSIGN_OR_RETURN(
      Statement s, reader->Prepare(fmt::format("SELECT {} FROM sessions WHERE token_hash = ?",
                                               kSessionColumns)));
  s.Bind(token_hash);
  COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::NotFoundError("no such session");
  return SessionFromRow(StatementRow(s));
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

Result<comments::ThreadSlice> SqliteStore::ListThreadSlice(std::string_view thread,
                                                           const std::optional<std::string>& parent,
                                                           comments::SortOrder sort,
                                                           std::optional<int64_t> after_seq,
                                                           int limit) {
  COMMENTD_ASSIGN_OR_RETURN(auto reader, impl_->Reader());
  const bool newest = sort == comments::SortOrder::kNewest;
  COMMENTD_ASSIGN_OR_RETURN(Statement s, reader->Prepare(ThreadSliceSql(schema::Dialect::kSqlite,
                                                                        parent.has_value(), sort)));
  s.Bind(thread)
      .Bind(after_seq.value_or(newest ? std::numeric_limits<int64_t>::max() : 0))
      .Bind(int64_t{limit});
  if (parent.has_value()) s.Bind(*parent);
  comments::ThreadSlice slice;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    COMMENTD_ASSIGN_OR_RETURN(Comment c, ReadComment(s));
    slice.comments.push_back(std::move(c));
    slice.more = s.Int(21) > limit;
  }
  return slice;
}

}  // namespace commentd::store
