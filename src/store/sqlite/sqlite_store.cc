#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "base/mutex.h"
#include "comments/stored_form.h"
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

constexpr std::string_view kCommentColumns =
    "c.seq, c.id, c.thread, c.parent_id, c.author_name, c.author_ip_hash, c.text, c.lang, "
    "c.state, c.engine_decision, c.reasons, c.policy_version, c.decided_by, "
    "c.decided_by_moderator, c.created_at, c.edited_at, c.decided_at, c.edit_token_hash, "
    "(SELECT COUNT(*) FROM reports r WHERE r.comment_id = c.id AND r.resolved = 0), c.text_hash, "
    "c.revision";

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

}  // namespace commentd::store
