// CommentService: what readers and writers do with comments. Writers post,
// edit and delete their comments (each text moderated by the engine in
// force, see PolicyService) and report others'; readers list a thread's
// pages and count comments. The HTTP layer maps those routes 1:1 onto these
// methods; it parses and formats, the service decides. Moderators (people)
// work through ModerationDesk and AccountService; Services wires them all.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "comments/comment.h"
#include "comments/keyed_hash.h"
#include "comments/policy_service.h"
#include "comments/service_options.h"
#include "comments/store.h"
#include "comments/thread_page.h"
#include "moderation/verdict.h"
#include "text/normalizer.h"

namespace commentd::comments {

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

// Who is writing, read once per request (CommentService::IdentifyWriter):
// the author name as readers would see it, the key names are compared by,
// whether the name may be used, and the address's hashes. Only
// IdentifyWriter makes one, so Post can trust it. Thread-compatible.
class Writer {
 public:
  const std::string& name() const { return name_; }  // without surrounding white space
  // text::Normalizer::NameKey of name(): bans and per-author rate limits.
  const std::string& name_key() const { return name_key_; }
  // Set when the name may not be used (see CommentService::CheckAuthor).
  const std::optional<AuthorRefusal>& refusal() const { return refusal_; }
  const IpHashes& ip() const { return ip_; }

 private:
  friend class CommentService;
  Writer() = default;
  std::string name_;
  std::string name_key_;
  std::optional<AuthorRefusal> refusal_;
  IpHashes ip_;
};

struct CheckResult {
  moderation::Verdict verdict;
  std::string message;
};

// Thread-safe. Everything it is given must outlive it (held by shared_ptr).
class CommentService {
 public:
  // kInvalidArgument for a null dependency or bad options.
  static base::Result<std::unique_ptr<CommentService>> Create(
      std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
      std::shared_ptr<const PolicyService> policy, std::shared_ptr<const KeyedHasher> hasher,
      std::shared_ptr<const text::Normalizer> normalizer, ServiceOptions options);

  // Reads the author name and hashes of a writer once for all the checks of
  // one post. A name that may not be used (CheckAuthor; an empty name has no
  // visible character) is not an error here: see Writer::refusal. Otherwise
  // kInvalidArgument naming "author" for a name that is too long, not UTF-8
  // or has control characters; kUnavailable without an engine; the store's
  // error when the moderator accounts cannot be read.
  base::Result<Writer> IdentifyWriter(std::string_view author, IpHashes ip) const;

  // Validates (kInvalidArgument naming the field: thread, author, text,
  // parent_id, lang; an author name CheckAuthor refuses is kInvalidArgument
  // "author: ..."), refuses banned authors (kPermissionDenied; bans match
  // look-alike names by NameKey, and addresses under the current or the
  // previous period's IP key), moderates (the engine's verdict plus the
  // repetition rule, see ServiceOptions) and stores the comment in the state
  // the verdict decides. Replies must name a published comment of the same
  // thread, at most kMaxReplyDepth deep (kInvalidArgument otherwise).
  base::Result<PostResult> Post(const PostRequest& request);
  // The same for a writer already identified from request.author and the
  // hashes of request.ip (request.author and request.ip are not read again).
  base::Result<PostResult> Post(const PostRequest& request, const Writer& writer);

  // The author name as readers would see it, judged: a name of invisible
  // characters only, a reserved name or a look-alike of one (see
  // ServiceOptions::reserved_names), or a name the engine would not publish
  // as text (a link, an advertisement, inappropriate language), is refused.
  // A name is never held: its writer can choose another at once. nullopt
  // when the name may be used; kInvalidArgument when it is not UTF-8;
  // kUnavailable without an engine; the store's error when the moderator
  // accounts cannot be read.
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

 private:
  // The roots of a page of `request` in `order` after `after_seq`, with
  // every comment under them, seq ascending: enough roots for
  // `visible_roots` of them to show, or all that remain.
  base::Result<std::vector<Comment>> ReadSlice(const ThreadRequest& request, SortOrder order,
                                               std::optional<int64_t> after_seq,
                                               int visible_roots) const;

  CommentService(std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
                 std::shared_ptr<const PolicyService> policy,
                 std::shared_ptr<const KeyedHasher> hasher,
                 std::shared_ptr<const text::Normalizer> normalizer, ServiceOptions options);

  // CheckAuthor for a trimmed name and its key.
  base::Result<std::optional<AuthorRefusal>> JudgeName(const moderation::Moderator& engine,
                                                       std::string_view author,
                                                       const std::string& key) const;
  // The repetition key of a text from its lexical view, as the engine's
  // Evaluate handed it back (KeyedHasher::TextHash), or empty when the text
  // is too short to count or not UTF-8 (no view).
  std::string TextHash(const std::optional<std::string>& lexical_view) const;
  // Adds the repeated_comment reason to `verdict` (and holds it) when
  // `text_hash` was stored repeat_limit - 1 or more times in the window.
  base::Status ApplyRepetition(const std::string& text_hash, std::string_view text,
                               moderation::Verdict* verdict) const;
  // kInvalidArgument unless `parent_id` names a published comment of
  // `thread` that a reply may nest under.
  base::Status CheckParent(const std::string& parent_id, const std::string& thread) const;
  base::Result<Comment> CheckEditable(std::string_view id, std::string_view edit_token) const;
  // The stored result of an earlier attempt of `request` (same idempotency
  // key), nullopt when there was none; kFailedPrecondition when the key was
  // used for a different comment or, by another client address, at all.
  base::Result<std::optional<PostResult>> Replay(const std::string& id, const PostRequest& request,
                                                 const Writer& writer,
                                                 const std::string& edit_token) const;

  const std::shared_ptr<Store> store_;
  const std::shared_ptr<const base::Clock> clock_;
  const std::shared_ptr<const PolicyService> policy_;
  const std::shared_ptr<const KeyedHasher> hasher_;
  const std::shared_ptr<const text::Normalizer> normalizer_;  // name keys
  const ServiceOptions options_;
  // NameKeys of the built-in and configured reserved names.
  std::vector<std::string> reserved_keys_;
};

// A short explanation for the writer of why their comment was held or
// deleted (empty for publish), in `lang` ("en", "ko", "zh", "ja"; anything
// else is English). With `edit_refused` (PostResult::edit_refused), that
// their edit was not applied and the published version stays.
std::string ExplainVerdict(const moderation::Verdict& verdict, std::string_view lang,
                           bool edit_refused = false);

}  // namespace commentd::comments
