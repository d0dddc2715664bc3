// Store: where the comment domain keeps its data. The domain owns this
// interface; src/store/* implement it (SqliteStore for one node,
// PostgresStore for several) and the domain never includes them. Every
// method is one atomic operation: an implementation runs it in one
// transaction, so an audit entry is never written without its change, nor a
// change without its audit entry. No SQL dialect shows through: ordering,
// paging and day buckets are defined here.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "comments/comment.h"

namespace commentd::comments {

// What an atomic comment update writes besides the comment itself.
struct CommentUpdateEffects {
  std::optional<AuditEntry> audit;  // appended (its id is assigned by the store)
  std::optional<Ban> ban;           // added
  bool resolve_reports = false;     // marks the comment's open reports resolved
  // Appended as the comment's next revision: the store numbers it (one past
  // the highest so far; comment_id is ignored) and, when became_current,
  // sets the comment's `revision` to that number.
  std::optional<Revision> revision;
};

// Changes `comment` in place (text, lang, state, engine_decision, reasons,
// policy_version, decided_by*, edited_at, decided_at, text_hash; id, seq,
// thread, parent, author, created_at, edit_token_hash and revision are kept)
// and says what else to write. Returning an error aborts the update and is returned unchanged.
using CommentMutation = std::function<base::Result<CommentUpdateEffects>(Comment& comment)>;

// A comment and how deep it nests: 0 for a top-level comment, 1 for a reply
// to one, and so on.
struct CommentDepth {
  Comment comment;
  int depth = 0;
};

// A slice of a thread: some of the comments a page lists (its roots) and
// everything under them.
struct ThreadSlice {
  // The roots and every descendant of each, in any state, seq ascending.
  std::vector<Comment> comments;
  bool more = false;  // roots remain after the last one read
};

// Implementations are Thread-safe: the HTTP worker pool calls one Store from
// N threads. Failure codes common to every method: kUnavailable when the
// database is busy or unreachable, kInternal for anything else unexpected.
class Store {
 public:
  virtual ~Store() = default;

  // --- settings: small named values the service keeps (e.g. the IP hash key)
  // The value stored under `name`, storing `value_if_absent` first if there is none.
  virtual base::Result<std::string> GetOrInsertSetting(std::string_view name,
                                                       std::string_view value_if_absent) = 0;

  // --- comments
  // Stores a new comment and returns it with `seq` assigned (greater than every
  // earlier seq), together with its revision 1 (its text, lang, verdict and
  // created_at; became_current), so `revision` is 1. kAlreadyExists if the id
  // is taken; kInvalidArgument if parent_id names no comment of the same thread.
  virtual base::Result<Comment> InsertComment(const Comment& comment) = 0;

  // kNotFound if there is no comment `id`.
  virtual base::Result<Comment> GetComment(std::string_view id) = 0;

  // Every comment of `thread` in any state, ordered by seq ascending; empty
  // for an unknown thread. The whole thread: for copying and checks, not for
  // pages (ListThreadSlice reads a page).
  virtual base::Result<std::vector<Comment>> ListThread(std::string_view thread) = 0;

  // Number of published comments per thread; every requested key is present.
  virtual base::Result<std::map<std::string, int64_t>> CountPublished(
      const std::vector<std::string>& threads) = 0;

  // Reads comment `id`, applies `mutate` and writes the result and its effects,
  // all in one transaction that excludes other writers. Returns the comment as
  // stored. kNotFound if there is no comment `id`; otherwise mutate's error.
  virtual base::Result<Comment> UpdateComment(std::string_view id,
                                              const CommentMutation& mutate) = 0;

  // Every revision of comment `id`, number ascending. kNotFound if there is
  // no comment `id`.
  virtual base::Result<std::vector<Revision>> ListRevisions(std::string_view id) = 0;

  // Adds an open report. kNotFound if the comment does not exist. One report
  // per comment per reader: when a report (open or resolved) of the same
  // comment with the same non-empty ip_hash exists, nothing is added (OK).
  virtual base::Status AddReport(const Report& report) = 0;

  // The comments in `queue`, newest (highest seq) first, starting after
  // `after` (i.e. with seq < after.seq); `limit` >= 1.
  virtual base::Result<Page<Comment>> ListQueue(Queue queue, std::optional<Cursor> after,
                                                int limit) = 0;

  // --- bans
  // True if a ban names `author_name` exactly, or (when non-empty) has the
  // key `author_key` (a NameKey: look-alike names share it) or the IP hash
  // `ip_hash`.
  virtual base::Result<bool> IsBanned(std::string_view author_name, std::string_view author_key,
                                      std::string_view ip_hash) = 0;
  // The same without a name key: exact name or IP hash.
  base::Result<bool> IsBanned(std::string_view author_name, std::string_view ip_hash) {
    return IsBanned(author_name, "", ip_hash);
  }

  // --- repetition
  // The number of comments (in any state) whose text_hash is `text_hash` and
  // that were created at or after `since`. 0 for an empty hash.
  virtual base::Result<int64_t> CountRecentText(std::string_view text_hash, Time since) = 0;

  // --- the shared policy
  // The newest policy revision; revision 0 when none was ever set.
  virtual base::Result<StoredPolicy> GetPolicy() = 0;
  // Stores `toml` as the next revision and appends `audit`, in one
  // transaction; returns what was stored.
  virtual base::Result<StoredPolicy> InsertPolicy(std::string_view toml, std::string_view set_by,
                                                  Time at, const AuditEntry& audit) = 0;

  // --- audit log and statistics
  virtual base::Status AppendAudit(const AuditEntry& entry) = 0;
  // Newest first, with id < after.seq when `after` is given; `limit` >= 1.
  virtual base::Result<Page<AuditEntry>> ListAudit(std::optional<Cursor> after, int limit) = 0;

  // Engine decisions of comments created in [from, to), one entry per UTC day
  // that has comments, ordered by day ascending.
  virtual base::Result<std::vector<DayStats>> Stats(Time from, Time to) = 0;

  // --- moderator accounts
  // Stores `account` and `audit` together. kAlreadyExists if the name is taken.
  virtual base::Status InsertModerator(const ModeratorAccount& account,
                                       const AuditEntry& audit) = 0;
  // kNotFound if there is no such account.
  virtual base::Result<ModeratorAccount> GetModerator(std::string_view name) = 0;
  // Ordered by name.
  virtual base::Result<std::vector<ModeratorAccount>> ListModerators() = 0;
  // Removes the account and its sessions, and appends `audit`. kNotFound if absent.
  virtual base::Status RemoveModerator(std::string_view name, const AuditEntry& audit) = 0;

  // --- sessions
  // kAlreadyExists if token_hash is taken; kNotFound if the moderator does not exist.
  virtual base::Status InsertSession(const Session& session) = 0;
  // kNotFound if there is no session with this token hash (expiry is the caller's check).
  virtual base::Result<Session> GetSession(std::string_view token_hash) = 0;
  // OK also when there was no such session.
  virtual base::Status DeleteSession(std::string_view token_hash) = 0;
  // Deletes sessions with expires_at <= now.
  virtual base::Status DeleteExpiredSessions(Time now) = 0;

  // --- one query each, for the request path
  // Comment `id` and its depth (counted through its ancestors in the same
  // query). kNotFound if there is no comment `id`.
  virtual base::Result<CommentDepth> GetCommentWithDepth(std::string_view id) = 0;
  // The number of revisions of comment `id` (0 for an unknown id).
  virtual base::Result<int64_t> CountRevisions(std::string_view id) = 0;
  // IsBanned for a writer whose address is known under two IP keys (the
  // current and the previous period's): true if a ban names `author_name`
  // exactly, or (when non-empty) has the key `author_key`, the IP hash
  // `ip_hash` or the IP hash `previous_ip_hash`.
  virtual base::Result<bool> IsWriterBanned(std::string_view author_name,
                                            std::string_view author_key, std::string_view ip_hash,
                                            std::string_view previous_ip_hash) = 0;
  // The first `limit` (>= 1) roots of `thread` in any state after
  // `after_seq` (seq > after_seq for kOldest, seq < after_seq for kNewest),
  // in `sort` order: its top-level comments, or when `parent` is set the
  // direct replies of comment `parent`; with every descendant of those roots
  // in the thread, in one query. Empty for an unknown thread or parent.
  virtual base::Result<ThreadSlice> ListThreadSlice(std::string_view thread,
                                                    const std::optional<std::string>& parent,
                                                    SortOrder sort,
                                                    std::optional<int64_t> after_seq,
                                                    int limit) = 0;
};

}  // namespace commentd::comments
