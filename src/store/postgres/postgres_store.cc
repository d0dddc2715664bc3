#include "store/postgres/postgres_store.h"

#include <limits>
#include <utility>
#include <vector>

#include "comments/stored_form.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_schema.h"
#include "store/row_mapping.h"
#include "store/schema.h"

namespace commentd::store {
namespace {

using base::Result;
using base::Status;
using comments::AuditEntry;
using comments::Comment;
using pg::Connection;
using pg::Params;
using pg::Rows;

const std::string kCommentColumns = CommentColumns(schema::Dialect::kPostgres);

// Adds `values` in order, booleans as booleans.
Params& AddValues(Params& p, const std::vector<Value>& values) {
  for (const Value& v : values) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
      p.Add(*i);
    } else if (const auto* b = std::get_if<bool>(&v)) {
      p.Add(*b);
    } else if (const auto* text = std::get_if<std::string>(&v)) {
      p.Add(*text);
    } else {
      p.AddNull();
    }
  }
  return p;
}

// Row `i` of `rows`, read through the stores' shared mappings.
class PgRow final : public Row {
 public:
  PgRow(const Rows& rows, int i) : rows_(rows), i_(i) {}
  bool IsNull(int col) const override { return rows_.IsNull(i_, col); }
  Result<int64_t> Int(int col) const override { return rows_.Int(i_, col); }
  std::string Text(int col) const override { return rows_.Text(i_, col); }
  bool Bool(int col) const override { return rows_.Bool(i_, col); }

 private:
  const Rows& rows_;
  int i_;
};

Result<Comment> ReadComment(const Rows& rows, int i) { return CommentFromRow(PgRow(rows, i)); }

Result<std::vector<Comment>> ReadComments(const Rows& rows) {
  std::vector<Comment> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    COMMENTD_ASSIGN_OR_RETURN(Comment c, ReadComment(rows, i));
    out.push_back(std::move(c));
  }
  return out;
}

// Appends `r` as revision `number` of comment `comment_id`.
Status InsertRevision(Connection& conn, std::string_view comment_id, int64_t number,
                      const comments::Revision& r) {
  Params p;
  AddValues(p, RevisionValues(comment_id, number, r));
  return conn
      .Exec(fmt::format("INSERT INTO comment_revisions ({}) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        kRevisionColumns),
            p)
      .status();
}

Status InsertAudit(Connection& conn, const AuditEntry& e) {
  Params p;
  AddValues(p, AuditValues(e));
  return conn
      .Exec(
          "INSERT INTO audit (at, moderator, action, comment_id, author, reason) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          p)
      .status();
}

// A PostgreSQL text[] literal: every element quoted, so commas, braces and
// "NULL" in a key stay plain text.
std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

// The store's state is its connection pool (pg_pool.h): methods call
// impl_->Read, impl_->WriteOne and impl_->Transaction.
struct PostgresStore::Impl : pg::Pool {
  using pg::Pool::Pool;
};

PostgresStore::PostgresStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostgresStore::~PostgresStore() = default;

int PostgresStore::LatestSchemaVersion() { return pg::LatestSchemaVersion(); }

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(std::string_view conninfo,
                                                           int pool_size) {
  if (conninfo.empty()) return base::InvalidArgumentError("db: the PostgreSQL URL is empty");
  if (pool_size < 1 || pool_size > 1000) {
    return base::InvalidArgumentError("pool_size: must be in 1..1000, got {}", pool_size);
  }
  auto impl = std::make_unique<Impl>(std::string(conninfo), pool_size);
  {
    COMMENTD_ASSIGN_OR_RETURN(pg::Pool::Lease lease, impl->Acquire());
    COMMENTD_RETURN_IF_ERROR(pg::Migrate(*lease));
  }
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(impl)));
}

Result<int> PostgresStore::SchemaVersion() {
  return impl_->Read([](Connection& conn) { return pg::AppliedVersion(conn); });
}

Result<std::string> PostgresStore::GetOrInsertSetting(std::string_view name,
                                                      std::string_view value_if_absent) {
  return impl_->Read([&](Connection& conn) -> Result<std::string> {
    // Idempotent, so Read's one retry is safe. When another node inserts the
    // same name at the same moment, DO NOTHING returns no row and the
    // statement's snapshot may not show theirs yet: the second SELECT does.
    Params p;
    p.Add(name).Bytes(value_if_absent);
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Exec("WITH ins AS (INSERT INTO settings (name, value) VALUES ($1, $2) "
                  "ON CONFLICT (name) DO NOTHING RETURNING value) "
                  "SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE name = $1",
                  p));
    if (rows.empty()) {
      Params q;
      q.Add(name);
      COMMENTD_ASSIGN_OR_RETURN(rows, conn.Exec("SELECT value FROM settings WHERE name = $1", q));
    }
    if (rows.empty()) return base::InternalError("postgres: setting {} vanished", name);
    return rows.Bytea(0, 0);
  });
}

Result<Comment> PostgresStore::InsertComment(const Comment& comment) {
  // One statement stores the comment and its revision 1 (a data-modifying
  // WITH runs whole or not at all), so no transaction is needed.
  static const std::string kSql = fmt::format(
      "WITH c AS (INSERT INTO comments (id, thread, parent_id, author_name, author_ip_hash, "
      "text, lang, state, engine_decision, reasons, policy_version, hit_link, hit_advertisement, "
      "hit_inappropriate_language, decided_by, decided_by_moderator, created_at, edited_at, "
      "decided_at, edit_token_hash, text_hash, revision) "
      "SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, "
      "$9::text, $10::text, $11::text, $12::boolean, $13::boolean, $14::boolean, $15::text, "
      "$16::text, $17::bigint, $18::bigint, $19::bigint, $20::text, $21::text, 1 "
      // The parent must exist in the same thread; checked in the same
      // statement (comments are never destroyed, so no lock is needed).
      "WHERE $3::text IS NULL OR EXISTS "
      "(SELECT 1 FROM comments p WHERE p.id = $3::text AND p.thread = $2::text) "
      "RETURNING *), "
      "r AS (INSERT INTO comment_revisions (comment_id, number, text, lang, engine_decision, "
      "reasons, policy_version, created_at, became_current) "
      "SELECT c.id, 1, c.text, c.lang, c.engine_decision, c.reasons, c.policy_version, "
      "COALESCE(c.edited_at, c.created_at), true FROM c) "
      "SELECT {}, 0::bigint, c.text_hash, c.revision FROM c",
      kCommentBaseColumns);
  Params p;
  AddValues(p, CommentInsertValues(comment));
  return impl_->WriteOne([&](Connection& conn) -> Result<Comment> {
    auto rows = conn.Exec(kSql, p);
    if (!rows.ok()) {
      if (rows.status().code() == base::StatusCode::kAlreadyExists) {
        return base::AlreadyExistsError("comment {} already exists", comment.id);
      }
      return rows.status();
    }
    if (rows->empty()) {
      return base::InvalidArgumentError("parent_id: no comment {} in thread {}",
                                        comment.parent_id.value_or(""), comment.thread);
    }
    return ReadComment(*rows, 0);
  });
}

Result<Comment> PostgresStore::GetComment(std::string_view id) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM comments c WHERE c.id = $1", kCommentColumns);
  return impl_->Read([&](Connection& conn) -> Result<Comment> {
    Params p;
    p.Add(id);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSql, p));
    if (rows.empty()) return base::NotFoundError("no comment {}", id);
    return ReadComment(rows, 0);
  });
}

Result<std::vector<Comment>> PostgresStore::ListThread(std::string_view thread) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM comments c WHERE c.thread = $1 ORDER BY c.seq", kCommentColumns);
  return impl_->Read([&](Connection& conn) -> Result<std::vector<Comment>> {
    Params p;
    p.Add(thread);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSql, p));
    return ReadComments(rows);
  });
}

Result<std::map<std::string, int64_t>> PostgresStore::CountPublished(
    const std::vector<std::string>& threads) {
  std::map<std::string, int64_t> counts;
  for (const std::string& t : threads) counts[t] = 0;
  if (threads.empty()) return counts;
  return impl_->Read([&](Connection& conn) -> Result<std::map<std::string, int64_t>> {
    Params p;
    p.Add(TextArray(threads));
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows, conn.Exec("SELECT thread, COUNT(*) FROM comments WHERE thread = ANY($1::text[]) "
                             "AND state = 'published' GROUP BY thread",
                             p));
    std::map<std::string, int64_t> out = counts;
    for (int i = 0; i < rows.size(); ++i) {
      COMMENTD_ASSIGN_OR_RETURN(out[rows.Text(i, 0)], rows.Int(i, 1));
    }
    return out;
  });
}

Result<Comment> PostgresStore::UpdateComment(std::string_view id,
                                             const comments::CommentMutation& mutate) {
  static const std::string kSelect =
      fmt::format("SELECT {} FROM comments c WHERE c.id = $1 FOR UPDATE OF c", kCommentColumns);
  static const std::string kUpdate = fmt::format(
      "UPDATE comments AS c SET text = $1, lang = $2, state = $3, engine_decision = $4, "
      "reasons = $5, policy_version = $6, hit_link = $7, hit_advertisement = $8, "
      "hit_inappropriate_language = $9, decided_by = $10, decided_by_moderator = $11, "
      "edited_at = $12, decided_at = $13, text_hash = $14, revision = $15 WHERE c.id = $16 "
      "RETURNING {}",
      kCommentColumns);
  Comment stored;
  Status status = impl_->Transaction([&](Connection& conn) -> Status {
    Comment current;
    {
      // The row lock makes concurrent updates of one comment (two moderators
      // on two nodes) take turns; each sees the other's committed result.
      Params p;
      p.Add(id);
      COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSelect, p));
      if (rows.empty()) return base::NotFoundError("no comment {}", id);
      COMMENTD_ASSIGN_OR_RETURN(current, ReadComment(rows, 0));
    }
    Comment changed = current;
    COMMENTD_ASSIGN_OR_RETURN(comments::CommentUpdateEffects effects, mutate(changed));
    changed.revision = current.revision;
    if (effects.revision.has_value()) {
      // The comment's row lock makes MAX + 1 safe against other writers.
      Params p;
      p.Add(current.id);
      COMMENTD_ASSIGN_OR_RETURN(
          Rows rows, conn.Exec("SELECT COALESCE(MAX(number), 0) + 1 FROM comment_revisions "
                               "WHERE comment_id = $1",
                               p));
      COMMENTD_ASSIGN_OR_RETURN(int64_t number, rows.Int(0, 0));
      COMMENTD_RETURN_IF_ERROR(InsertRevision(conn, current.id, number, *effects.revision));
      if (effects.revision->became_current) changed.revision = number;
    }
    if (effects.resolve_reports) {
      Params p;
      p.Add(current.id);
      COMMENTD_RETURN_IF_ERROR(
          conn.Exec("UPDATE reports SET resolved = true WHERE comment_id = $1 AND NOT resolved", p)
              .status());
    }
    if (effects.ban.has_value()) {
      const comments::Ban& ban = *effects.ban;
      Params p;
      AddValues(p, BanValues(ban));
      COMMENTD_RETURN_IF_ERROR(conn.Exec("INSERT INTO bans (author_name, ip_hash, moderator, "
                                         "reason, at, author_key) VALUES ($1, $2, $3, $4, $5, $6)",
                                         p)
                                   .status());
    }
    if (effects.audit.has_value()) COMMENTD_RETURN_IF_ERROR(InsertAudit(conn, *effects.audit));
    Params p;
    AddValues(p, CommentUpdateValues(changed)).Add(current.id);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kUpdate, p));
    if (rows.empty()) return base::InternalError("postgres: comment {} vanished", id);
    COMMENTD_ASSIGN_OR_RETURN(stored, ReadComment(rows, 0));
    return base::OkStatus();
  });
  COMMENTD_RETURN_IF_ERROR(status);
  return stored;
}

Result<std::vector<comments::Revision>> PostgresStore::ListRevisions(std::string_view id) {
  return impl_->Read([&](Connection& conn) -> Result<std::vector<comments::Revision>> {
    Params p;
    p.Add(id);
    static const std::string kSql = fmt::format(
        "SELECT {} FROM comment_revisions WHERE comment_id = $1 ORDER BY number", kRevisionColumns);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSql, p));
    // Every comment has revision 1 (migration 4 gave older ones theirs).
    if (rows.empty()) return base::NotFoundError("no comment {}", id);
    std::vector<comments::Revision> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      COMMENTD_ASSIGN_OR_RETURN(comments::Revision r, RevisionFromRow(PgRow(rows, i)));
      out.push_back(std::move(r));
    }
    return out;
  });
}

Status PostgresStore::AddReport(const comments::Report& report) {
  return impl_->Transaction([&](Connection& conn) -> Status {
    Params p;
    p.Add(report.comment_id)
        .Add(report.reason)
        .Add(report.ip_hash)
        .Add(base::ToUnixMicros(report.at));
    // The comment's row lock orders concurrent reports of one comment, so
    // that one reader's repeated reports cannot both see "no report yet".
    Params id;
    id.Add(report.comment_id);
    COMMENTD_ASSIGN_OR_RETURN(Rows found,
                              conn.Exec("SELECT 1 FROM comments WHERE id = $1 FOR UPDATE", id));
    if (found.empty()) return base::NotFoundError("no comment {}", report.comment_id);
    return conn
        .Exec(
            "INSERT INTO reports (comment_id, reason, ip_hash, at) SELECT $1, $2, $3, $4 "
            "WHERE $3 = '' OR NOT EXISTS (SELECT 1 FROM reports WHERE comment_id = $1 AND "
            "ip_hash = $3)",
            p)
        .status();
  });
}

Result<comments::Page<Comment>> PostgresStore::ListQueue(comments::Queue queue,
                                                         std::optional<comments::Cursor> after,
                                                         int limit) {
  COMMENTD_RETURN_IF_ERROR(CheckLimit(limit));
  const std::string sql =
      fmt::format("SELECT {} FROM comments c WHERE {} AND c.seq < $1 ORDER BY c.seq DESC LIMIT $2",
                  kCommentColumns, QueueCondition(queue, schema::Dialect::kPostgres));
  return impl_->Read([&](Connection& conn) -> Result<comments::Page<Comment>> {
    Params p;
    p.Add(after.has_value() ? after->seq : INT64_MAX).Add(static_cast<int64_t>(limit) + 1);
    COMMENTD_ASSIGN_OR_RETURN(Rows result, conn.Exec(sql, p));
    COMMENTD_ASSIGN_OR_RETURN(std::vector<Comment> rows, ReadComments(result));
    return PageOf(std::move(rows), limit, [](const Comment& c) { return c.seq; });
  });
}

Result<bool> PostgresStore::IsBanned(std::string_view author_name, std::string_view author_key,
                                     std::string_view ip_hash) {
  return impl_->Read([&](Connection& conn) -> Result<bool> {
    Params p;
    p.Add(author_name).Add(ip_hash).Add(author_key);
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows, conn.Exec("SELECT EXISTS (SELECT 1 FROM bans WHERE author_name = $1) OR "
                             "($3 <> '' AND EXISTS (SELECT 1 FROM bans WHERE author_key = $3)) OR "
                             "($2 <> '' AND EXISTS (SELECT 1 FROM bans WHERE ip_hash = $2))",
                             p));
    return !rows.empty() && rows.Bool(0, 0);
  });
}

Result<int64_t> PostgresStore::CountRecentText(std::string_view text_hash, base::Time since) {
  if (text_hash.empty()) return int64_t{0};
  return impl_->Read([&](Connection& conn) -> Result<int64_t> {
    Params p;
    p.Add(text_hash).Add(base::ToUnixMicros(since));
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows,
        // "text_hash <> ''" lets a generic plan use the partial index
        // comments_by_text_hash instead of scanning the window by created_at.
        conn.Exec("SELECT COUNT(*) FROM comments "
                  "WHERE text_hash = $1 AND text_hash <> '' AND created_at >= $2",
                  p));
    if (rows.empty()) return int64_t{0};
    return rows.Int(0, 0);
  });
}

Status PostgresStore::AppendAudit(const AuditEntry& entry) {
  return impl_->WriteOne([&](Connection& conn) { return InsertAudit(conn, entry); });
}

Result<comments::Page<AuditEntry>> PostgresStore::ListAudit(std::optional<comments::Cursor> after,
                                                            int limit) {
  COMMENTD_RETURN_IF_ERROR(CheckLimit(limit));
  static const std::string kSql =
      fmt::format("SELECT {} FROM audit WHERE id < $1 ORDER BY id DESC LIMIT $2", kAuditColumns);
  return impl_->Read([&](Connection& conn) -> Result<comments::Page<AuditEntry>> {
    Params p;
    p.Add(after.has_value() ? after->seq : INT64_MAX).Add(static_cast<int64_t>(limit) + 1);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSql, p));
    std::vector<AuditEntry> entries;
    for (int i = 0; i < rows.size(); ++i) {
      COMMENTD_ASSIGN_OR_RETURN(AuditEntry e, AuditEntryFromRow(PgRow(rows, i), "postgres"));
      entries.push_back(std::move(e));
    }
    return PageOf(std::move(entries), limit, [](const AuditEntry& e) { return e.id; });
  });
}

Result<std::vector<comments::DayStats>> PostgresStore::Stats(base::Time from, base::Time to) {
  return impl_->Read([&](Connection& conn) -> Result<std::vector<comments::DayStats>> {
    Params p;
    p.Add(base::ToUnixMicros(from)).Add(base::ToUnixMicros(to));
    // created_at is in microseconds; integer division buckets by UTC day
    // (timestamps before 1970 do not occur).
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Exec("SELECT created_at / 86400000000 AS day, "
                  "COUNT(*) FILTER (WHERE engine_decision = 'publish'), "
                  "COUNT(*) FILTER (WHERE engine_decision = 'hold'), "
                  "COUNT(*) FILTER (WHERE engine_decision = 'delete'), "
                  "COUNT(*) FILTER (WHERE hit_link), COUNT(*) FILTER (WHERE hit_advertisement), "
                  "COUNT(*) FILTER (WHERE hit_inappropriate_language) FROM comments "
                  "WHERE created_at >= $1 AND created_at < $2 GROUP BY day ORDER BY day",
                  p));
    std::vector<comments::DayStats> out;
    for (int i = 0; i < rows.size(); ++i) {
      comments::DayStats d;
      COMMENTD_ASSIGN_OR_RETURN(d.day, rows.Int(i, 0));
      COMMENTD_ASSIGN_OR_RETURN(d.publish, rows.Int(i, 1));
      COMMENTD_ASSIGN_OR_RETURN(d.hold, rows.Int(i, 2));
      COMMENTD_ASSIGN_OR_RETURN(d.del, rows.Int(i, 3));
      COMMENTD_ASSIGN_OR_RETURN(d.link, rows.Int(i, 4));
      COMMENTD_ASSIGN_OR_RETURN(d.advertisement, rows.Int(i, 5));
      COMMENTD_ASSIGN_OR_RETURN(d.inappropriate_language, rows.Int(i, 6));
      out.push_back(d);
    }
    return out;
  });
}

Status PostgresStore::InsertModerator(const comments::ModeratorAccount& account,
                                      const AuditEntry& audit) {
  return impl_->Transaction([&](Connection& conn) -> Status {
    Params p;
    p.Add(account.name).Add(account.password_hash).Add(base::ToUnixMicros(account.created_at));
    auto rows = conn.Exec(
        "INSERT INTO moderators (name, password_hash, created_at) VALUES ($1, $2, $3)", p);
    if (!rows.ok() && rows.status().code() == base::StatusCode::kAlreadyExists) {
      return base::AlreadyExistsError("name: moderator {} already exists", account.name);
    }
    COMMENTD_RETURN_IF_ERROR(rows.status());
    return InsertAudit(conn, audit);
  });
}

Result<comments::StoredPolicy> PostgresStore::GetPolicy() {
  return impl_->Read([&](Connection& conn) -> Result<comments::StoredPolicy> {
    COMMENTD_ASSIGN_OR_RETURN(Rows rows,
                              conn.Exec("SELECT revision, toml, set_by, set_at FROM policies "
                                        "ORDER BY revision DESC LIMIT 1"));
    if (rows.empty()) return comments::StoredPolicy{};
    COMMENTD_ASSIGN_OR_RETURN(int64_t revision, rows.Int(0, 0));
    COMMENTD_ASSIGN_OR_RETURN(int64_t set_at, rows.Int(0, 3));
    return comments::StoredPolicy{revision, rows.Text(0, 1), rows.Text(0, 2),
                                  base::FromUnixMicros(set_at)};
  });
}

Result<comments::StoredPolicy> PostgresStore::InsertPolicy(std::string_view toml,
                                                           std::string_view set_by, base::Time at,
                                                           const AuditEntry& audit) {
  comments::StoredPolicy stored;
  COMMENTD_RETURN_IF_ERROR(impl_->Transaction([&](Connection& conn) -> Status {
    // Two nodes setting a policy at once take turns: revisions stay 1, 2, 3...
    COMMENTD_RETURN_IF_ERROR(conn.Exec("LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE").status());
    COMMENTD_ASSIGN_OR_RETURN(Rows next,
                              conn.Exec("SELECT COALESCE(MAX(revision), 0) + 1 FROM policies"));
    COMMENTD_ASSIGN_OR_RETURN(int64_t revision, next.Int(0, 0));
    Params p;
    p.Add(revision).Add(toml).Add(set_by).Add(base::ToUnixMicros(at));
    COMMENTD_RETURN_IF_ERROR(
        conn.Exec("INSERT INTO policies (revision, toml, set_by, set_at) VALUES ($1, $2, $3, $4)",
                  p)
            .status());
    stored = comments::StoredPolicy{revision, std::string(toml), std::string(set_by), at};
    return InsertAudit(conn, audit);
  }));
  return stored;
}

Result<comments::ModeratorAccount> PostgresStore::GetModerator(std::string_view name) {
  return impl_->Read([&](Connection& conn) -> Result<comments::ModeratorAccount> {
    Params p;
    p.Add(name);
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Exec("SELECT name, password_hash, created_at FROM moderators WHERE name = $1", p));
    if (rows.empty()) return base::NotFoundError("no moderator {}", name);
    COMMENTD_ASSIGN_OR_RETURN(int64_t created, rows.Int(0, 2));
    return comments::ModeratorAccount{rows.Text(0, 0), rows.Text(0, 1),
                                      base::FromUnixMicros(created)};
  });
}

Result<std::vector<comments::ModeratorAccount>> PostgresStore::ListModerators() {
  return impl_->Read([&](Connection& conn) -> Result<std::vector<comments::ModeratorAccount>> {
    // Byte order, as SqliteStore sorts, whatever the database's collation.
    COMMENTD_ASSIGN_OR_RETURN(Rows rows,
                              conn.Exec("SELECT name, password_hash, created_at FROM moderators "
                                        "ORDER BY name COLLATE \"C\""));
    std::vector<comments::ModeratorAccount> out;
    for (int i = 0; i < rows.size(); ++i) {
      COMMENTD_ASSIGN_OR_RETURN(int64_t created, rows.Int(i, 2));
      out.push_back({rows.Text(i, 0), rows.Text(i, 1), base::FromUnixMicros(created)});
    }
    return out;
  });
}

Status PostgresStore::RemoveModerator(std::string_view name, const AuditEntry& audit) {
  return impl_->Transaction([&](Connection& conn) -> Status {
    Params p;
    p.Add(name);
    // Sessions go with the account (ON DELETE CASCADE).
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec("DELETE FROM moderators WHERE name = $1", p));
    if (rows.affected() == 0) return base::NotFoundError("no moderator {}", name);
    return InsertAudit(conn, audit);
  });
}

Status PostgresStore::InsertSession(const comments::Session& session) {
  return impl_->WriteOne([&](Connection& conn) -> Status {
    Params p;
    p.Add(session.token_hash)
        .Add(session.moderator)
        .Add(session.csrf_token)
        .Add(base::ToUnixMicros(session.created_at))
        .Add(base::ToUnixMicros(session.expires_at));
    auto rows = conn.Exec(
        "INSERT INTO sessions (token_hash, moderator, csrf_token, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        p);
    if (!rows.ok() && conn.last_sqlstate() == pg::kForeignKeyViolation) {
      return base::NotFoundError("no moderator {}", session.moderator);
    }
    if (!rows.ok() && rows.status().code() == base::StatusCode::kAlreadyExists) {
      return base::AlreadyExistsError("session already exists");
    }
    return rows.status();
  });
}

Result<comments::Session> PostgresStore::GetSession(std::string_view token_hash) {
  return impl_->Read([&](Connection& conn) -> Result<comments::Session> {
    Params p;
    p.Add(token_hash);
    static const std::string kSql =
        fmt::format("SELECT {} FROM sessions WHERE token_hash = $1", kSessionColumns);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSql, p));
    if (rows.empty()) return base::NotFoundError("no such session");
    return SessionFromRow(PgRow(rows, 0));
  });
}

Status PostgresStore::DeleteSession(std::string_view token_hash) {
  // Deleting twice deletes once: safe to repeat after a lost connection.
  return impl_->Read([&](Connection& conn) -> Status {
    Params p;
    p.Add(token_hash);
    return conn.Exec("DELETE FROM sessions WHERE token_hash = $1", p).status();
  });
}

Status PostgresStore::DeleteExpiredSessions(base::Time now) {
  return impl_->Read([&](Connection& conn) -> Status {
    Params p;
    p.Add(base::ToUnixMicros(now));
    return conn.Exec("DELETE FROM sessions WHERE expires_at <= $1", p).status();
  });
}

// --- one query each, for the request path (CommentService::Post and Edit)

Result<comments::CommentDepth> PostgresStore::GetCommentWithDepth(std::string_view id) {
  // Walks up from the comment through its ancestors; the bound only guards
  // against a cycle damaged data could hold (inserts never make one).
  static const std::string kSql = fmt::format(
      "WITH RECURSIVE up(id, parent_id, depth) AS ("
      "SELECT id, parent_id, 0 FROM comments WHERE id = $1 "
      "UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM comments p "
      "JOIN up ON p.id = up.parent_id WHERE up.depth < 1000) "
      "SELECT {}, (SELECT MAX(depth) FROM up) FROM comments c WHERE c.id = $1",
      kCommentColumns);
  return impl_->Read([&](Connection& conn) -> Result<comments::CommentDepth> {
    Params p;
    p.Add(id);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(kSql, p));
    if (rows.empty()) return base::NotFoundError("no comment {}", id);
    comments::CommentDepth out;
    COMMENTD_ASSIGN_OR_RETURN(out.comment, ReadComment(rows, 0));
    COMMENTD_ASSIGN_OR_RETURN(int64_t depth, rows.Int(0, 21));
    out.depth = static_cast<int>(depth);
    return out;
  });
}

Result<int64_t> PostgresStore::CountRevisions(std::string_view id) {
  return impl_->Read([&](Connection& conn) -> Result<int64_t> {
    Params p;
    p.Add(id);
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows, conn.Exec("SELECT COUNT(*) FROM comment_revisions WHERE comment_id = $1", p));
    if (rows.empty()) return int64_t{0};
    return rows.Int(0, 0);
  });
}

Result<bool> PostgresStore::IsWriterBanned(std::string_view author_name,
                                           std::string_view author_key, std::string_view ip_hash,
                                           std::string_view previous_ip_hash) {
  return impl_->Read([&](Connection& conn) -> Result<bool> {
    Params p;
    p.Add(author_name).Add(author_key).Add(ip_hash).Add(previous_ip_hash);
    COMMENTD_ASSIGN_OR_RETURN(
        Rows rows, conn.Exec("SELECT EXISTS (SELECT 1 FROM bans WHERE author_name = $1) OR "
                             "($2 <> '' AND EXISTS (SELECT 1 FROM bans WHERE author_key = $2)) OR "
                             "($3 <> '' AND EXISTS (SELECT 1 FROM bans WHERE ip_hash = $3)) OR "
                             "($4 <> '' AND EXISTS (SELECT 1 FROM bans WHERE ip_hash = $4))",
                             p));
    return !rows.empty() && rows.Bool(0, 0);
  });
}

Result<comments::ThreadSlice> PostgresStore::ListThreadSlice(
    std::string_view thread, const std::optional<std::string>& parent, comments::SortOrder sort,
    std::optional<int64_t> after_seq, int limit) {
  const bool newest = sort == comments::SortOrder::kNewest;
  const std::string sql = ThreadSliceSql(schema::Dialect::kPostgres, parent.has_value(), sort);
  return impl_->Read([&](Connection& conn) -> Result<comments::ThreadSlice> {
    Params p;
    p.Add(thread)
        .Add(after_seq.value_or(newest ? std::numeric_limits<int64_t>::max() : 0))
        .Add(int64_t{limit});
    if (parent.has_value()) p.Add(*parent);
    COMMENTD_ASSIGN_OR_RETURN(Rows rows, conn.Exec(sql, p));
    comments::ThreadSlice slice;
    COMMENTD_ASSIGN_OR_RETURN(slice.comments, ReadComments(rows));
    if (!rows.empty()) {
      COMMENTD_ASSIGN_OR_RETURN(const int64_t roots, rows.Int(0, 21));
      slice.more = roots > limit;
    }
    return slice;
  });
}

}  // namespace commentd::store
