// What the SQLite and PostgreSQL stores do alike around their SQL: the
// columns a Comment, Revision, AuditEntry or Session is read from and the
// mapping of such a row to the value, the moderation queues' conditions, and
// the paging rule (fetch limit + 1 rows; the extra one says there is a next
// page). Each store adapts its result rows to `Row`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "comments/store.h"
#include "store/schema.h"

namespace commentd::store {

// One result row, read by column number (0-based). Thread-compatible.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool IsNull(int col) const = 0;
  // kInternal naming the column when it is not an integer.
  virtual base::Result<int64_t> Int(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual bool Bool(int col) const = 0;
};

// The columns of `comments c` a Comment is read from, without the open
// reports count, the text hash and the revision (CommentColumns adds them).
inline constexpr std::string_view kCommentBaseColumns =
    "c.seq, c.id, c.thread, c.parent_id, c.author_name, c.author_ip_hash, c.text, c.lang, "
    "c.state, c.engine_decision, c.reasons, c.policy_version, c.decided_by, "
    "c.decided_by_moderator, c.created_at, c.edited_at, c.decided_at, c.edit_token_hash";
// The select list CommentFromRow reads: kCommentBaseColumns, the number of
// open reports, c.text_hash, c.revision.
std::string CommentColumns(schema::Dialect dialect);
base::Result<comments::Comment> CommentFromRow(const Row& row);

// The columns of comment_revisions, in the order RevisionFromRow reads them
// (and the stores insert them).
inline constexpr std::string_view kRevisionColumns =
    "comment_id, number, text, lang, engine_decision, reasons, policy_version, created_at, "
    "became_current";
base::Result<comments::Revision> RevisionFromRow(const Row& row);

// The columns of audit, in the order AuditEntryFromRow reads them.
inline constexpr std::string_view kAuditColumns =
    "id, at, moderator, action, comment_id, author, reason";
// kInternal "STORE: corrupt audit action" for an action this build does not know.
base::Result<comments::AuditEntry> AuditEntryFromRow(const Row& row, std::string_view store);

// The columns of sessions, in the order SessionFromRow reads them.
inline constexpr std::string_view kSessionColumns =
    "token_hash, moderator, csrf_token, created_at, expires_at";
base::Result<comments::Session> SessionFromRow(const Row& row);

// One value bound to a statement parameter: NULL, an integer (times are
// microseconds since the epoch), a boolean (each store binds its own form)
// or text.
using Value = std::variant<std::nullptr_t, int64_t, bool, std::string>;

// The values InsertComment writes, for the columns id, thread, parent_id,
// author_name, author_ip_hash, text, lang, state, engine_decision, reasons,
// policy_version, hit_link, hit_advertisement, hit_inappropriate_language,
// decided_by, decided_by_moderator, created_at, edited_at, decided_at,
// edit_token_hash, text_hash.
std::vector<Value> CommentInsertValues(const comments::Comment& c);
// The values UpdateComment writes, for the columns text, lang, state,
// engine_decision, reasons, policy_version, hit_link, hit_advertisement,
// hit_inappropriate_language, decided_by, decided_by_moderator, edited_at,
// decided_at, text_hash, revision.
std::vector<Value> CommentUpdateValues(const comments::Comment& c);
// The values of revision `number` of `comment_id`, for kRevisionColumns.
std::vector<Value> RevisionValues(std::string_view comment_id, int64_t number,
                                  const comments::Revision& r);
// The values of an audit entry for "at, moderator, action, comment_id,
// author, reason" (the id is the database's).
std::vector<Value> AuditValues(const comments::AuditEntry& e);
// The values of a ban for "author_name, ip_hash, moderator, reason, at,
// author_key".
std::vector<Value> BanValues(const comments::Ban& ban);

// The condition on `comments c` that selects `queue`'s comments.
std::string QueueCondition(comments::Queue queue, schema::Dialect dialect);

// The query of Store::ListThreadSlice: its parameters are 1 the thread, 2
// the seq after which roots start (0 or the largest int64 for none), 3 the
// limit and, when `by_parent`, 4 the parent's id. It returns the roots and
// every comment under them seq ascending (the columns of CommentFromRow),
// each row followed by the number of roots found, at most limit + 1.
std::string ThreadSliceSql(schema::Dialect dialect, bool by_parent, comments::SortOrder sort);

// kInvalidArgument unless `limit` >= 1 (the page size of ListQueue, ListAudit).
base::Status CheckLimit(int limit);

// A page from `rows` fetched with LIMIT limit + 1: the first `limit` rows,
// and when there were more, the cursor of the last one kept.
template <typename T, typename CursorOf>
comments::Page<T> PageOf(std::vector<T> rows, int limit, CursorOf cursor_of) {
  comments::Page<T> page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<size_t>(limit));
    page.next = comments::Cursor{cursor_of(rows.back())};
  }
  page.items = std::move(rows);
  return page;
}

}  // namespace commentd::store
