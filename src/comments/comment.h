// The comment domain's vocabulary: a Comment on a Thread by an Author, the
// state moderation put it in (published, held, deleted; nothing is ever
// destroyed), the engine's Reasons kept with it, every Revision of its text,
// reports from readers, the
// moderator accounts and sessions that work the queues, bans, the audit log
// of every action, and the opaque Cursor that pages through all of them.
// Plain values; the Store persists them and the CommentService applies the
// rules. docs/ARCHITECTURE.md's glossary defines each name once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "moderation/verdict.h"

namespace commentd::comments {

using base::Time;

// Where a comment stands. A deleted comment is hidden, never destroyed.
enum class CommentState { kPublished, kHeld, kDeleted };
std::string_view CommentStateName(CommentState state);  // "published", "held", "deleted"
base::Result<CommentState> ParseCommentState(std::string_view name);

// Who made the last decision about a comment's state.
enum class DecidedBy {
  kEngine,     // the moderation engine, when the comment was posted or edited
  kAuthor,     // the writer deleted it with the edit token
  kModerator,  // a moderator (Comment::decided_by_moderator names who)
};

// A thread key chosen by the publisher's page: [A-Za-z0-9._~:/-]{1,200}.
// kInvalidArgument naming `field` and the first bad byte otherwise.
base::Status ValidateThreadKey(std::string_view key, std::string_view field = "thread");

// The writer of a comment: the name they typed and a keyed hash of their IP
// address (hex; empty when the address is unknown). The raw IP is never kept.
struct Author {
  std::string name;
  std::string ip_hash;
};

struct Comment {
  std::string id;  // "c_" + 20 lowercase base32 characters, random
  // Insertion order, assigned by the Store (0 before InsertComment). Cursors
  // and "oldest/newest" order use it, so pages stay stable under inserts.
  int64_t seq = 0;
  std::string thread;
  std::optional<std::string> parent_id;  // a comment in the same thread
  Author author;
  std::string text;  // valid UTF-8, as the writer typed it
  std::string lang;  // "en", "ko", "zh", "ja" or empty
  CommentState state = CommentState::kHeld;

  // The engine's verdict on the current text (kept when a moderator overrides it).
  moderation::Decision engine_decision = moderation::Decision::kHold;
  std::vector<moderation::Reason> reasons;
  std::string policy_version;

  DecidedBy decided_by = DecidedBy::kEngine;
  std::string decided_by_moderator;  // set when decided_by == kModerator
  Time created_at;
  std::optional<Time> edited_at;
  Time decided_at;

  std::string edit_token_hash;  // hex keyed hash of the edit token; the token itself is not kept
  int64_t open_reports = 0;     // unresolved reader reports (read-only: the Store counts them)
  // Keyed hash (hex) of the normalized text, so the same comment posted again
  // and again is recognised (CommentService's repetition rule); empty for
  // comments stored before it existed.
  std::string text_hash;
  // The number of the Revision whose text, lang and verdict this comment
  // shows (1 for the posted text). Read-only: the Store assigns it (0 before
  // InsertComment) and changes it only by appending a revision that
  // becomes current (CommentUpdateEffects::revision).
  int64_t revision = 0;

  // "engine", "author" or the moderator's name, as the moderator API shows it.
  std::string DecidedByName() const;
};

// One version of a comment's text with the engine's verdict on it. Every
// text a writer submitted is kept, in order, for moderators and the audit
// log: the posted one is revision 1 and each edit appends the next number,
// also an edit the engine refused (which then never became current).
struct Revision {
  std::string comment_id;
  int64_t number = 0;  // 1, 2, ... per comment; assigned by the Store
  std::string text;
  std::string lang;
  moderation::Decision engine_decision = moderation::Decision::kHold;
  std::vector<moderation::Reason> reasons;
  std::string policy_version;
  Time created_at;
  // Whether the comment showed this text once it was submitted. False for
  // an edit refused while an earlier revision was published: that one
  // stayed published and this one was only kept.
  bool became_current = false;
};

// The text `comment` shows now, as a Revision: its number is
// comment.revision, dated edited_at (or created_at when never edited), and
// became_current. The Store writes revision 1 of a new comment from this.
Revision CurrentRevisionOf(const Comment& comment);

// Position after which a listing continues. Encoded as an opaque string for
// clients; Decode rejects anything Encode did not produce.
struct Cursor {
  int64_t seq = 0;

  std::string Encode() const;
  // kInvalidArgument naming `field` when `encoded` is malformed.
  static base::Result<Cursor> Decode(std::string_view encoded, std::string_view field = "after");
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

// One page of a listing; `next` is empty on the last page.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;
};

enum class SortOrder { kOldest, kNewest };
base::Result<SortOrder> ParseSortOrder(std::string_view name);  // "oldest", "newest"

// The moderator queues.
enum class Queue {
  kHeld,       // state held, waiting for a decision
  kDeleted,    // state deleted (by the engine, the author or a moderator)
  kReported,   // published with unresolved reader reports
  kPublished,  // everything readers see
};
std::string_view QueueName(Queue queue);
base::Result<Queue> ParseQueue(std::string_view name);

// What a moderator can do to a comment.
enum class ModAction {
  kApprove,  // held (or reported) -> published; resolves reports
  kDelete,   // held or published -> deleted; resolves reports
  kRestore,  // deleted -> published; resolves reports
  kBan,      // bans the author (name and IP hash) and deletes the comment
};
std::string_view ModActionName(ModAction action);
base::Result<ModAction> ParseModAction(std::string_view name);

// A reader's report of a published comment.
struct Report {
  std::string comment_id;
  std::string reason;
  std::string ip_hash;
  Time at;
};

// A banned author: posts whose name equals `author_name` or has the same
// non-empty `author_key`, or whose IP hash equals a non-empty `ip_hash`, are
// refused.
struct Ban {
  std::string author_name;
  std::string ip_hash;
  std::string moderator;
  std::string reason;
  Time at;
  // text::Normalizer::NameKey(author_name): look-alike names share it. Empty
  // for bans made before schema migration 5 (those match the exact name).
  std::string author_key = {};
};

// What the audit log records.
enum class AuditAction {
  kApprove,
  kDelete,
  kRestore,
  kBan,
  kAuthorEdit,       // the writer edited with the edit token
  kAuthorDelete,     // the writer deleted with the edit token
  kModeratorAdd,     // an account was created
  kModeratorRemove,  // an account was removed
  kPolicySet,        // a moderator put a new policy in force
};
std::string_view AuditActionName(AuditAction action);  // "approve", ..., "author_edit", ...
base::Result<AuditAction> ParseAuditAction(std::string_view name);  // kInvalidArgument if unknown

struct AuditEntry {
  int64_t id = 0;  // assigned by the Store, increasing
  Time at;
  std::string moderator;  // who acted: a moderator's name, or "author" for the writer
  AuditAction action = AuditAction::kApprove;
  std::string comment_id;  // empty for account actions
  std::string author;      // the comment's author name, or the account's name
  std::string reason;
};

// A moderator account. The password is kept only as an argon2id hash string
// (libsodium crypto_pwhash_str format).
struct ModeratorAccount {
  std::string name;  // [A-Za-z0-9._-]{1,64}
  std::string password_hash;
  Time created_at;
};

// A logged-in moderator. The session token itself is given to the browser
// only; the store keeps its keyed hash.
struct Session {
  std::string token_hash;
  std::string moderator;
  std::string csrf_token;  // returned at login and by /auth/me; required on every write
  Time created_at;
  Time expires_at;
};

// One revision of the moderation policy, as a moderator set it: the TOML
// text (moderation::Policy::FromToml). Every node puts the newest in force.
struct StoredPolicy {
  int64_t revision = 0;  // 1, 2, ...; 0: no policy was ever set in the store
  std::string toml;
  std::string set_by;  // the moderator
  Time set_at;
};

// Engine decisions of one UTC day, counted over comments created that day.
struct DayStats {
  int64_t day = 0;  // days since 1970-01-01 (UTC)
  int64_t publish = 0;
  int64_t hold = 0;
  int64_t del = 0;
  // Comments with at least one reason of the rule whose action was not publish.
  int64_t link = 0;
  int64_t advertisement = 0;
  int64_t inappropriate_language = 0;
};

}  // namespace commentd::comments
