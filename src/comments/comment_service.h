// CommentService: the use cases of commentd, one method per thing a reader,
// a writer or a moderator can do. The HTTP layer maps the API 1:1 onto these
// methods; it parses and formats, the service decides. Every comment is
// moderated by the current engine before it is stored, every state is kept,
// and every moderator action is written to the audit log in the same
// transaction as the change.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "comments/comment.h"
#include "comments/ip_key.h"
#include "comments/store.h"
#include "moderation/moderator.h"
#include "moderation/verdict.h"
#include "text/normalizer.h"

namespace commentd::comments {

struct ServiceOptions {
  // Key for hashing tokens, idempotency keys and texts (crypto_generichash).
  // Empty: a random key is created once and kept in the store (setting
  // "site_key"). IP addresses are not hashed with it: see ip_key_file.
  std::string site_key;
  // The file that holds the key for hashing IP addresses (IpKeyRing), kept
  // out of the database and rotated every ip_key_period. Empty: a random
  // key in memory only (tools that hash no addresses; tests).
  std::string ip_key_file;
  std::chrono::seconds ip_key_period{24 * 60 * 60};
  std::chrono::seconds edit_window{15 * 60};
  // Texts kept per comment (as posted, then each edit; all kept forever).
  // An edit past it is refused with kFailedPrecondition: the edit window and
  // the per-address rate limit bound edits in time, this bounds the table.
  int max_revisions = 50;
  std::chrono::seconds session_ttl{12 * 60 * 60};
  size_t max_text_bytes = 5000;
  size_t max_author_bytes = 64;
  size_t max_reason_bytes = 500;
  int max_page_size = 200;
  // A thread page's bound, replies included (ListThread): at most this many
  // comments and about this many bytes of rendered comments; a reader's
  // `replies` per comment at most max_replies_per_comment.
  int max_page_comments = 500;
  size_t max_page_bytes = 1024 * 1024;
  int max_replies_per_comment = 100;
  int max_action_ids = 100;
  // Repetition: the same text (compared after normalization, so case,
  // spacing, punctuation and disguised letters do not make it new) posted
  // repeat_limit or more times within repeat_window, by anyone, is held as
  // advertising (reason rule "advertisement", detail "repeated_comment") from
  // the repeat_limit-th copy on. Texts shorter than repeat_min_bytes once
  // normalized ("Thanks!", "Agreed") are never counted. 0 disables.
  int repeat_limit = 3;
  std::chrono::seconds repeat_window{10 * 60};
  size_t repeat_min_bytes = 12;
  // Names readers may not post under, nor under a look-alike of (compared
  // by text::Normalizer::NameKey), besides the built-in ones ("engine",
  // "author", "moderator", "admin", "administrator") and the moderator
  // accounts. `commentd serve` adds the site name.
  std::vector<std::string> reserved_names;
  // argon2id cost (crypto_pwhash_argon2id_str). Tests lower these to the
  // library minimum; production keeps libsodium's "interactive" limits.
  unsigned long long password_ops_limit = 2;        // crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE
  size_t password_mem_limit = 64ull * 1024 * 1024;  // crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE
};

struct PostRequest {
  std::string thread;
  std::string author;
  std::string text;
  std::optional<std::string> parent_id;
  std::string lang;  // "en", "ko", "zh", "ja" or empty (= "en" for messages)
  std::string ip;    // the writer's address key (http AddressKey); hashed, never stored
  // Optional: the same key (16-200 visible ASCII characters, random per
  // comment) on a retry returns the comment the first attempt stored instead
  // of storing it again, with the same edit token.
  std::string idempotency_key;
};

// The stored comment, the engine's verdict and the token that lets the
// writer edit or delete it (shown once; only its hash is stored), plus a
// message for the writer in their language when the comment is not published.
struct PostResult {
  Comment comment;
  moderation::Verdict verdict;
  std::string edit_token;
  std::string message;
  bool replayed = false;  // the idempotency key's comment was already stored
  // An edit of a published comment that the engine held or deleted: it was
  // kept as a revision and `comment` is unchanged (still published).
  bool edit_refused = false;
};

// Why an author name was refused: a reserved name (reasons empty) or what
// the engine found in the name (reasons with spans into the trimmed name).
struct AuthorRefusal {
  std::string message;  // English, names the field: "author: ..."
  std::vector<moderation::Reason> reasons;
};

struct CheckResult {
  moderation::Verdict verdict;
  std::string message;
};

struct ThreadRequest {
  std::string thread;
  int limit = 50;     // top-level comments (or replies of `parent`) per page, 1..max_page_size
  std::string after;  // an encoded Cursor from a previous page, or empty
  SortOrder sort = SortOrder::kOldest;
  // Replies shown under each comment, at every depth, oldest first
  // (0..max_replies_per_comment); ThreadNode::reply_count tells how many
  // there are, and the rest are listed with `parent`.
  int replies = 5;
  // When set, the page lists the direct replies of this comment of the
  // thread (oldest first; `sort` does not apply) instead of top-level ones.
  std::optional<std::string> parent;
};

// One comment as readers see it. A hidden (held or deleted) comment that has
// published replies appears as `removed` with empty author and text.
struct ThreadNode {
  std::string id;
  std::optional<std::string> parent_id;
  std::string author;
  std::string text;
  Time created_at;
  std::optional<Time> edited_at;
  bool removed = false;
  std::vector<ThreadNode> replies;  // oldest first, at every depth; at most ThreadRequest::replies
  int64_t reply_count = 0;          // visible direct replies, shown or not
  // When replies.size() < reply_count: the cursor after the last reply
  // shown (empty when none is shown), for ThreadRequest{parent = id, after}.
  std::optional<std::string> replies_cursor;
};

struct ThreadPage {
  std::string thread;
  int64_t published_count = 0;
  std::vector<ThreadNode> comments;        // top-level, in the requested order
  std::optional<std::string> next_cursor;  // encoded; empty on the last page
};

struct ActRequest {
  ModAction action = ModAction::kApprove;
  std::vector<std::string> comment_ids;
  std::string moderator;  // the acting moderator's account name
  std::string reason;
  // The revision the moderator looked at, per comment id (optional per id).
  // An id named here whose current revision differs is not changed: the
  // comment was edited since, and approve or restore would publish a text
  // the moderator never saw.
  std::map<std::string, int64_t> revisions;
};

struct ActionResult {
  std::string id;
  base::Status status;  // OK, or why this comment was not changed
  // kFailedPrecondition because the comment's current revision is not the
  // one the request named (ActRequest::revisions).
  bool stale = false;
  // The comment's current revision after the action; 0 when it failed.
  int64_t revision = 0;
};

// A comment as it stands and every revision of its text, oldest first.
struct CommentRevisions {
  Comment comment;
  std::vector<Revision> revisions;
};

struct LoginResult {
  std::string session_token;  // for the commentd_session cookie; not stored
  Session session;
};

// Thread-safe. The Store and Clock must outlive the service (held by shared_ptr).
class CommentService {
 public:
  // Loads or creates the site key (in the store) and the IP key file
  // (options.ip_key_file; IpKeyRing::Open's errors, e.g. kPermissionDenied
  // for a file others can read). kInvalidArgument for bad options; the
  // store's error if it cannot be read. `moderator` may be null until
  // SetModerator is called (Post, Edit and Check then fail with kUnavailable).
  static base::Result<std::unique_ptr<CommentService>> Create(
      std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
      std::shared_ptr<const moderation::Moderator> moderator, ServiceOptions options = {});

  // Swaps the engine whole (e.g. after a policy reload); later calls use it.
  void SetModerator(std::shared_ptr<const moderation::Moderator> moderator);
  std::shared_ptr<const moderation::Moderator> moderator() const;

  // --- the moderation policy, shared by every node through the Store
  // Builds the engine for a policy (with this node's classifiers). Set by
  // `commentd serve`; without it SetPolicy and RefreshPolicy fail with
  // kFailedPrecondition.
  using ModeratorFactory = std::function<base::Result<std::shared_ptr<const moderation::Moderator>>(
      const moderation::Policy&)>;
  void SetModeratorFactory(ModeratorFactory factory);
  // The newest revision in the store; revision 0 when none was ever set
  // (each node then runs its --policy file or the built-in policy).
  base::Result<StoredPolicy> GetPolicy() const;
  // Checks `toml` (kInvalidArgument naming line and key, and nothing is
  // stored), stores it as the next revision with an audit entry, and puts it
  // in force here at once; other nodes follow at their next RefreshPolicy.
  base::Result<StoredPolicy> SetPolicy(std::string_view moderator, std::string_view toml);
  // Puts the store's newest revision in force when this node runs an older
  // one; returns the revision in force (0: none from the store).
  base::Result<int64_t> RefreshPolicy();

  // --- readers and writers
  // Validates (kInvalidArgument naming the field: thread, author, text,
  // parent_id, lang; an author name CheckAuthor refuses is kInvalidArgument
  // "author: ..."), refuses banned authors (kPermissionDenied; bans match
  // look-alike names by NameKey), moderates
  // (the engine's verdict plus the repetition rule, see ServiceOptions) and
  // stores the comment in the state the verdict decides. Replies must
  // name a published comment of the same thread (kInvalidArgument otherwise).
  base::Result<PostResult> Post(const PostRequest& request);

  // The author name as readers would see it, judged: a name of invisible
  // characters only, a reserved name or a
  // look-alike of one (see ServiceOptions::reserved_names), or a name the
  // engine would not publish as text (a link, an advertisement,
  // inappropriate language), is refused. A name is never held: its writer
  // can choose another at once. nullopt when the name may be used;
  // kInvalidArgument when it is not UTF-8; kUnavailable without an engine;
  // the store's error when the moderator accounts cannot be read.
  base::Result<std::optional<AuthorRefusal>> CheckAuthor(std::string_view author) const;

  // The key author names are compared by for bans and per-author rate limits
  // (text::Normalizer::NameKey of the name without surrounding white space).
  // kInvalidArgument when `author` is not UTF-8.
  base::Result<std::string> AuthorKey(std::string_view author) const;

  // Moderates `text` without storing anything.
  base::Result<CheckResult> Check(std::string_view text, std::string_view lang) const;

  // A page of the thread's top-level comments (or of the direct replies of
  // request.parent) with their replies nested, request.replies under each
  // comment at every depth. The page holds at most max_page_comments
  // comments and about max_page_bytes, replies included (at least one
  // comment); next_cursor continues it. An unknown thread is an empty page.
  // kInvalidArgument for a bad thread key, limit, replies or cursor;
  // kNotFound for a parent that is not a visible comment of the thread.
  base::Result<ThreadPage> ListThread(const ThreadRequest& request) const;

  // Published comments per thread (at most max_page_size keys).
  base::Result<std::map<std::string, int64_t>> Counts(
      const std::vector<std::string>& threads) const;

  // Moderates the new text like Post (repetition included) and stores it as
  // the comment's next revision. A published comment whose edit the engine
  // refuses (hold or delete) stays published with its current revision: the
  // refused text is kept beside it (Revision::became_current false) and the
  // result carries the refusing verdict with the comment unchanged. Any
  // other edit becomes the current revision and the comment takes the
  // state the verdict decides. kNotFound for an unknown id,
  // kPermissionDenied for a wrong token or a banned author, kFailedPrecondition
  // after the edit window or when the comment was deleted by its author or a
  // moderator, or when the comment has max_revisions revisions.
  base::Result<PostResult> Edit(std::string_view id, std::string_view edit_token,
                                std::string_view text, std::string_view lang);

  // Hides the comment (state deleted, decided by the author). Same errors as Edit.
  base::Status Delete(std::string_view id, std::string_view edit_token);

  // A reader reports a published comment. kNotFound if no published comment `id`.
  base::Status Report(std::string_view id, std::string_view reason, std::string_view ip);

  // --- moderators
  base::Result<Page<Comment>> ListQueue(Queue queue, int limit, std::string_view after) const;

  // A comment and every revision of its text. kNotFound for an unknown id.
  base::Result<CommentRevisions> ListRevisions(std::string_view id) const;

  // Applies `request.action` to each id independently; one result per id in
  // order. kInvalidArgument (for the whole request) for no ids, too many ids,
  // a revision below 1 or an unknown moderator. Per id: kNotFound, or
  // kFailedPrecondition when the comment's state does not allow the action
  // or its current revision is not the one named in request.revisions
  // (ActionResult::stale).
  base::Result<std::vector<ActionResult>> Act(const ActRequest& request);

  base::Result<Page<AuditEntry>> ListAudit(int limit, std::string_view after) const;

  // One entry per UTC day for the last `days` days (1..365) including today,
  // oldest first, days without comments included with zeros.
  base::Result<std::vector<DayStats>> Stats(int days) const;

  // --- moderator accounts and sessions
  // kInvalidArgument for a bad name or a password shorter than 8 bytes;
  // kAlreadyExists if the name is taken. `actor` is recorded in the audit log.
  base::Status AddModerator(std::string_view name, std::string_view password,
                            std::string_view actor = "cli");
  base::Result<std::vector<ModeratorAccount>> ListModerators() const;
  // kNotFound if absent. Ends the account's sessions.
  base::Status RemoveModerator(std::string_view name, std::string_view actor = "cli");

  // kUnauthenticated for an unknown name or a wrong password (same message,
  // and the same work: an unknown name is verified against a dummy hash).
  base::Result<LoginResult> Login(std::string_view name, std::string_view password);
  // argon2id verifications Login has run (one per attempt with a valid name
  // shape, known or not).
  uint64_t password_verifications() const { return password_verifications_.load(); }
  // The live session for a cookie value. kUnauthenticated if unknown or expired.
  base::Result<Session> Authenticate(std::string_view session_token) const;
  // kPermissionDenied unless `csrf_token` equals the session's (constant time).
  static base::Status CheckCsrf(const Session& session, std::string_view csrf_token);
  // OK also for an unknown token.
  base::Status Logout(std::string_view session_token);

  // Keyed hash (hex) of an IP address (its address key, see
  // http/client_address.h) under the current period's IP key, as stored in
  // Author::ip_hash, bans and reports. Empty for an empty address.
  std::string HashIp(std::string_view ip) const;
  // Whether the IP key file's last rotation could be written (the keys go
  // on in memory either way; see IpKeyRing::Now). For the server's log.
  base::Status IpKeyFileStatus() const { return ip_keys_->last_write_status(); }
  // HashIp under the previous period's key (empty when unknown): bans and
  // reports made before the last rotation still match within the window.
  std::string HashIpPrevious(std::string_view ip) const;

 private:
  CommentService(std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
                 std::shared_ptr<const moderation::Moderator> moderator, ServiceOptions options,
                 std::string site_key, std::unique_ptr<IpKeyRing> ip_keys,
                 std::string dummy_password_hash,
                 std::shared_ptr<const text::Normalizer> normalizer);

  std::string KeyedHash(std::string_view domain, std::string_view data) const;
  // True if a ban names `author` (or a look-alike of it: AuthorKey) or the
  // address `ip` under the current or the previous period's IP key.
  base::Result<bool> IsBanned(std::string_view author, std::string_view ip) const;
  // The repetition key of `text` (keyed hash of its normalized letters and
  // digits), or empty when the text is too short to count or not UTF-8.
  std::string TextHash(std::string_view text) const;
  // Adds the repeated_comment reason to `verdict` (and holds it) when
  // `text_hash` was stored repeat_limit - 1 or more times in the window.
  base::Status ApplyRepetition(const std::string& text_hash, std::string_view text,
                               moderation::Verdict* verdict) const;
  base::Result<Comment> CheckEditable(std::string_view id, std::string_view edit_token) const;
  // The stored result of an earlier attempt of `request` (same idempotency
  // key), nullopt when there was none; kFailedPrecondition when the key was
  // used for a different comment or, by another client address, at all.
  base::Result<std::optional<PostResult>> Replay(const std::string& id, const PostRequest& request,
                                                 std::string_view author,
                                                 const std::string& edit_token) const;
  ActionResult ActOne(const ActRequest& request, const std::string& id);

  std::shared_ptr<Store> store_;
  std::shared_ptr<const base::Clock> clock_;
  const ServiceOptions options_;
  const std::string site_key_;                // raw bytes
  const std::unique_ptr<IpKeyRing> ip_keys_;  // Thread-safe itself
  const std::string dummy_password_hash_;     // argon2id of a random secret
  std::atomic<uint64_t> password_verifications_{0};
  const std::shared_ptr<const text::Normalizer> normalizer_;  // for TextHash and AuthorKey
  std::vector<std::string>
      reserved_keys_;  // NameKeys of the built-in and configured reserved names

  mutable std::mutex moderator_mu_;
  std::shared_ptr<const moderation::Moderator> moderator_;  // guarded by moderator_mu_

  // Serializes SetPolicy and RefreshPolicy (an engine build takes a while).
  std::mutex policy_mu_;
  ModeratorFactory factory_;     // guarded by policy_mu_
  int64_t policy_revision_ = 0;  // in force here; guarded by policy_mu_
};

// A short explanation for the writer of why their comment was held or
// deleted (empty for publish), in `lang` ("en", "ko", "zh", "ja"; anything
// else is English). With `edit_refused` (PostResult::edit_refused), that
// their edit was not applied and the published version stays.
std::string ExplainVerdict(const moderation::Verdict& verdict, std::string_view lang,
                           bool edit_refused = false);

}  // namespace commentd::comments
