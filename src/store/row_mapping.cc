#include "store/row_mapping.h"

#include <fmt/format.h>

#include "comments/stored_form.h"

namespace commentd::store {

std::string CommentColumns(schema::Dialect dialect) {
  return fmt::format(
      "{}, (SELECT COUNT(*) FROM reports r WHERE r.comment_id = c.id AND {}), c.text_hash, "
      "c.revision",
      kCommentBaseColumns, schema::IsFalse(dialect, "r.resolved"));
}

std::string ThreadSliceSql(schema::Dialect dialect, bool by_parent, comments::SortOrder sort) {
  const auto arg = [&](int n) {
    return fmt::format("{}{}", dialect == schema::Dialect::kSqlite ? '?' : '$', n);
  };
  const bool newest = sort == comments::SortOrder::kNewest;
  // One root more than asked says whether more remain; only the first
  // `limit` roots bring the comments under them.
  return fmt::format(
      "WITH RECURSIVE roots(id, seq) AS ("
      "SELECT id, seq FROM comments WHERE thread = {thread} AND {parent} "
      "AND seq {op} CAST({after} AS BIGINT) ORDER BY seq {dir} "
      "LIMIT CAST({limit} AS BIGINT) + 1), "
      "sub(id, seq) AS (SELECT id, seq FROM (SELECT id, seq FROM roots ORDER BY seq {dir} "
      "LIMIT CAST({limit} AS BIGINT)) r UNION ALL SELECT k.id, k.seq FROM comments k JOIN sub "
      "ON k.thread = {thread} AND k.parent_id = sub.id) "
      "SELECT {columns}, (SELECT COUNT(*) FROM roots) FROM comments c "
      "WHERE c.seq IN (SELECT seq FROM sub) ORDER BY c.seq",
      fmt::arg("thread", arg(1)), fmt::arg("after", arg(2)), fmt::arg("limit", arg(3)),
      fmt::arg("parent", by_parent ? "parent_id = " + arg(4) : std::string("parent_id IS NULL")),
      fmt::arg("op", newest ? "<" : ">"), fmt::arg("dir", newest ? "DESC" : "ASC"),
      fmt::arg("columns", CommentColumns(dialect)));
}

base::Result<comments::Comment> CommentFromRow(const Row& row) {
  comments::Comment c;
  COMMENTD_ASSIGN_OR_RETURN(c.seq, row.Int(0));
  c.id = row.Text(1);
  c.thread = row.Text(2);
  if (!row.IsNull(3)) c.parent_id = row.Text(3);
  c.author.name = row.Text(4);
  c.author.ip_hash = row.Text(5);
  c.text = row.Text(6);
  c.lang = row.Text(7);
  COMMENTD_ASSIGN_OR_RETURN(c.state, comments::ParseCommentState(row.Text(8)));
  COMMENTD_ASSIGN_OR_RETURN(c.engine_decision, moderation::ParseDecision(row.Text(9)));
  COMMENTD_ASSIGN_OR_RETURN(c.reasons, comments::ReasonsFromJson(row.Text(10)));
  c.policy_version = row.Text(11);
  COMMENTD_ASSIGN_OR_RETURN(c.decided_by, comments::ParseDecidedBy(row.Text(12)));
  c.decided_by_moderator = row.Text(13);
  COMMENTD_ASSIGN_OR_RETURN(int64_t created, row.Int(14));
  c.created_at = base::FromUnixMicros(created);
  if (!row.IsNull(15)) {
    COMMENTD_ASSIGN_OR_RETURN(int64_t edited, row.Int(15));
    c.edited_at = base::FromUnixMicros(edited);
  }
  COMMENTD_ASSIGN_OR_RETURN(int64_t decided, row.Int(16));
  c.decided_at = base::FromUnixMicros(decided);
  c.edit_token_hash = row.Text(17);
  COMMENTD_ASSIGN_OR_RETURN(c.open_reports, row.Int(18));
  c.text_hash = row.Text(19);
  COMMENTD_ASSIGN_OR_RETURN(c.revision, row.Int(20));
  return c;
}

base::Result<comments::Revision> RevisionFromRow(const Row& row) {
  comments::Revision r;
  r.comment_id = row.Text(0);
  COMMENTD_ASSIGN_OR_RETURN(r.number, row.Int(1));
  r.text = row.Text(2);
  r.lang = row.Text(3);
  COMMENTD_ASSIGN_OR_RETURN(r.engine_decision, moderation::ParseDecision(row.Text(4)));
  COMMENTD_ASSIGN_OR_RETURN(r.reasons, comments::ReasonsFromJson(row.Text(5)));
  r.policy_version = row.Text(6);
  COMMENTD_ASSIGN_OR_RETURN(int64_t created, row.Int(7));
  r.created_at = base::FromUnixMicros(created);
  r.became_current = row.Bool(8);
  return r;
}

base::Result<comments::AuditEntry> AuditEntryFromRow(const Row& row, std::string_view store) {
  comments::AuditEntry e;
  COMMENTD_ASSIGN_OR_RETURN(e.id, row.Int(0));
  COMMENTD_ASSIGN_OR_RETURN(int64_t at, row.Int(1));
  e.at = base::FromUnixMicros(at);
  e.moderator = row.Text(2);
  const std::string action = row.Text(3);
  auto parsed = comments::ParseAuditAction(action);
  if (!parsed.ok()) return base::InternalError("{}: corrupt audit action \"{}\"", store, action);
  e.action = *parsed;
  e.comment_id = row.Text(4);
  e.author = row.Text(5);
  e.reason = row.Text(6);
  return e;
}

base::Result<comments::Session> SessionFromRow(const Row& row) {
  comments::Session s;
  s.token_hash = row.Text(0);
  s.moderator = row.Text(1);
  s.csrf_token = row.Text(2);
  COMMENTD_ASSIGN_OR_RETURN(int64_t created, row.Int(3));
  COMMENTD_ASSIGN_OR_RETURN(int64_t expires, row.Int(4));
  s.created_at = base::FromUnixMicros(created);
  s.expires_at = base::FromUnixMicros(expires);
  return s;
}

namespace {

Value OptionalMicros(const std::optional<base::Time>& t) {
  if (!t.has_value()) return nullptr;
  return base::ToUnixMicros(*t);
}

// The values of text .. decided_by_moderator: what both an insert and an
// update write.
void AppendDecisionValues(const comments::Comment& c, std::vector<Value>& out) {
  out.insert(
      out.end(),
      {c.text, c.lang, std::string(comments::CommentStateName(c.state)),
       std::string(moderation::DecisionName(c.engine_decision)), comments::ReasonsToJson(c.reasons),
       c.policy_version, comments::RuleDecided(c.reasons, moderation::Rule::kLink),
       comments::RuleDecided(c.reasons, moderation::Rule::kAdvertisement),
       comments::RuleDecided(c.reasons, moderation::Rule::kInappropriateLanguage),
       std::string(comments::DecidedByColumn(c.decided_by)), c.decided_by_moderator});
}

}  // namespace

std::vector<Value> CommentInsertValues(const comments::Comment& c) {
  std::vector<Value> out = {c.id, c.thread,
                            c.parent_id.has_value() ? Value(*c.parent_id) : Value(nullptr),
                            c.author.name, c.author.ip_hash};
  AppendDecisionValues(c, out);
  out.insert(out.end(), {base::ToUnixMicros(c.created_at), OptionalMicros(c.edited_at),
                         base::ToUnixMicros(c.decided_at), c.edit_token_hash, c.text_hash});
  return out;
}

std::vector<Value> CommentUpdateValues(const comments::Comment& c) {
  std::vector<Value> out;
  AppendDecisionValues(c, out);
  out.insert(out.end(), {OptionalMicros(c.edited_at), base::ToUnixMicros(c.decided_at), c.text_hash,
                         c.revision});
  return out;
}

std::vector<Value> RevisionValues(std::string_view comment_id, int64_t number,
                                  const comments::Revision& r) {
  return {std::string(comment_id),
          number,
          r.text,
          r.lang,
          std::string(moderation::DecisionName(r.engine_decision)),
          comments::ReasonsToJson(r.reasons),
          r.policy_version,
          base::ToUnixMicros(r.created_at),
          r.became_current};
}

std::vector<Value> AuditValues(const comments::AuditEntry& e) {
  return {base::ToUnixMicros(e.at),
          e.moderator,
          std::string(comments::AuditActionName(e.action)),
          e.comment_id,
          e.author,
          e.reason};
}

std::vector<Value> BanValues(const comments::Ban& ban) {
  return {ban.author_name, ban.ip_hash, ban.moderator, ban.reason, base::ToUnixMicros(ban.at),
          ban.author_key};
}

std::string QueueCondition(comments::Queue queue, schema::Dialect dialect) {
  switch (queue) {
    case comments::Queue::kHeld:
      return "c.state = 'held'";
    case comments::Queue::kDeleted:
      return "c.state = 'deleted'";
    case comments::Queue::kPublished:
      return "c.state = 'published'";
    case comments::Queue::kReported:
      return fmt::format(
          "c.state = 'published' AND EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id "
          "AND {})",
          schema::IsFalse(dialect, "r.resolved"));
  }
  return "false";
}

base::Status CheckLimit(int limit) {
  if (limit < 1) return base::InvalidArgumentError("limit: must be at least 1, got {}", limit);
  return base::OkStatus();
}

}  // namespace commentd::store
