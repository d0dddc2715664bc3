#include "comments/comment_service.h"

#include <sodium.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

#include "comments/request_checks.h"

namespace commentd::comments {
namespace {

using base::Result;
using base::Status;

constexpr std::string_view kAuthorActor = "author";

std::string NewCommentId() {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id = "c_";
  for (int i = 0; i < 20; ++i) id += kAlphabet[randombytes_uniform(kAlphabet.size())];
  return id;
}

// A comment id ("c_" and 20 base32 letters) from a hex digest, for comments
// whose id must follow from their idempotency key.
std::string CommentIdFromHex(std::string_view hex) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id = "c_";
  for (size_t i = 0; i < 20 && 2 * i + 1 < hex.size(); ++i) {
    const int byte = std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16);
    id += kAlphabet[static_cast<size_t>(byte) % kAlphabet.size()];
  }
  return id;
}

base::Status ValidateIdempotencyKey(std::string_view key) {
  if (key.size() < 16 || key.size() > 200) {
    return base::InvalidArgumentError(
        "Idempotency-Key: {} characters; use a random key of 16 to 200", key.size());
  }
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] < 0x21 || key[i] > 0x7e) {
      return base::InvalidArgumentError("Idempotency-Key: byte {} is not a visible ASCII character",
                                        i);
    }
  }
  return base::OkStatus();
}

// The field rules of an author name without surrounding white space.
Status ValidateAuthor(std::string_view author, size_t max_bytes) {
  if (author.empty()) return base::InvalidArgumentError("author: must not be empty");
  if (author.size() > max_bytes) {
    return base::InvalidArgumentError("author: {} bytes long, at most {} allowed", author.size(),
                                      max_bytes);
  }
  COMMENTD_RETURN_IF_ERROR(ValidateUtf8Field(author, "author"));
  for (size_t i = 0; i < author.size(); ++i) {
    if (static_cast<unsigned char>(author[i]) < 0x20 || author[i] == 0x7f) {
      return base::InvalidArgumentError("author: control character at byte {}", i);
    }
  }
  return base::OkStatus();
}

Status ValidateText(std::string_view text, size_t max_bytes) {
  if (TrimAsciiSpace(text).empty()) return base::InvalidArgumentError("text: must not be empty");
  if (text.size() > max_bytes) {
    return base::InvalidArgumentError("text: {} bytes long, at most {} allowed", text.size(),
                                      max_bytes);
  }
  return ValidateUtf8Field(text, "text");
}

Status ValidateLang(std::string_view lang) {
  if (lang.empty() || lang == "en" || lang == "ko" || lang == "zh" || lang == "ja") {
    return base::OkStatus();
  }
  return base::InvalidArgumentError("lang: \"{}\" is not one of en, ko, zh, ja",
                                    lang.substr(0, 16));
}

CommentState StateFor(moderation::Decision decision) {
  switch (decision) {
    case moderation::Decision::kPublish:
      return CommentState::kPublished;
    case moderation::Decision::kHold:
      return CommentState::kHeld;
    case moderation::Decision::kDelete:
      return CommentState::kDeleted;
  }
  return CommentState::kHeld;
}

}  // namespace

Result<std::unique_ptr<CommentService>> CommentService::Create(
    std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
    std::shared_ptr<const PolicyService> policy, std::shared_ptr<const KeyedHasher> hasher,
    std::shared_ptr<const text::Normalizer> normalizer, ServiceOptions options) {
  if (store == nullptr) return base::InvalidArgumentError("store: must not be null");
  if (clock == nullptr) return base::InvalidArgumentError("clock: must not be null");
  if (policy == nullptr || hasher == nullptr || normalizer == nullptr) {
    return base::InvalidArgumentError("policy, hasher and normalizer: must not be null");
  }
  if (options.max_revisions < 1) {
    return base::InvalidArgumentError("max_revisions: must be 1 or more, got {}",
                                      options.max_revisions);
  }
  if (options.repeat_limit < 0) {
    return base::InvalidArgumentError("repeat_limit: must be 0 (off) or more, got {}",
                                      options.repeat_limit);
  }
  return std::unique_ptr<CommentService>(
      new CommentService(std::move(store), std::move(clock), std::move(policy), std::move(hasher),
                         std::move(normalizer), std::move(options)));
}

CommentService::CommentService(std::shared_ptr<Store> store,
                               std::shared_ptr<const base::Clock> clock,
                               std::shared_ptr<const PolicyService> policy,
                               std::shared_ptr<const KeyedHasher> hasher,
                               std::shared_ptr<const text::Normalizer> normalizer,
                               ServiceOptions options)
    : store_(std::move(store)),
      clock_(std::move(clock)),
      policy_(std::move(policy)),
      hasher_(std::move(hasher)),
      normalizer_(std::move(normalizer)),
      options_(std::move(options)) {
  std::vector<std::string> names = {"engine", "author", "moderator", "admin", "administrator"};
  names.insert(names.end(), options_.reserved_names.begin(), options_.reserved_names.end());
  for (const std::string& name : names) {
    Result<std::string> key = normalizer_->NameKey(TrimAsciiSpace(name));
    if (key.ok() && !key->empty()) reserved_keys_.push_back(*std::move(key));
  }
}

Result<std::string> CommentService::AuthorKey(std::string_view author) const {
  return normalizer_->NameKey(TrimAsciiSpace(author));
}

Result<std::optional<AuthorRefusal>> CommentService::CheckAuthor(std::string_view author) const {
  const std::shared_ptr<const moderation::Moderator> engine = policy_->engine();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  author = TrimAsciiSpace(author);
  COMMENTD_ASSIGN_OR_RETURN(std::string key, normalizer_->NameKey(author));
  return JudgeName(*engine, author, key);
}

Result<std::optional<AuthorRefusal>> CommentService::JudgeName(const moderation::Moderator& engine,
                                                               std::string_view author,
                                                               const std::string& key) const {
  if (key.empty()) {  // only invisible characters: readers would see no name
    return std::optional<AuthorRefusal>(
        AuthorRefusal{"author: has no visible characters; choose a name readers can see", {}});
  }
  const auto reserved = [&]() -> Result<bool> {
    if (std::find(reserved_keys_.begin(), reserved_keys_.end(), key) != reserved_keys_.end()) {
      return true;
    }
    COMMENTD_ASSIGN_OR_RETURN(std::vector<ModeratorAccount> accounts, store_->ListModerators());
    for (const ModeratorAccount& account : accounts) {
      Result<std::string> account_key = normalizer_->NameKey(account.name);
      if (account_key.ok() && *account_key == key) return true;
    }
    return false;
  };
  COMMENTD_ASSIGN_OR_RETURN(bool is_reserved, reserved());
  if (is_reserved) {
    return std::optional<AuthorRefusal>(AuthorRefusal{
        fmt::format("author: \"{}\" is reserved for the site and its moderators (or looks like "
                    "such a name); choose another name",
                    author),
        {}});
  }
  moderation::Verdict verdict = engine.Evaluate(author);
  if (verdict.decision == moderation::Decision::kPublish) return std::optional<AuthorRefusal>();
  std::string found;
  for (const moderation::Reason& r : verdict.reasons) {
    if (r.action == moderation::Decision::kPublish) continue;
    if (!found.empty()) found += ", ";
    found += fmt::format("{} \"{}\"", moderation::RuleName(r.rule), r.match);
  }
  return std::optional<AuthorRefusal>(AuthorRefusal{
      fmt::format("author: a name may not contain what a comment may not ({}); choose another "
                  "name",
                  found),
      std::move(verdict.reasons)});
}

std::string CommentService::TextHash(const std::optional<std::string>& lexical_view) const {
  if (!lexical_view.has_value()) return "";
  return hasher_->TextHash(*lexical_view, options_.repeat_min_bytes);
}

Status CommentService::ApplyRepetition(const std::string& text_hash, std::string_view text,
                                       moderation::Verdict* verdict) const {
  if (options_.repeat_limit == 0 || text_hash.empty()) return base::OkStatus();
  COMMENTD_ASSIGN_OR_RETURN(
      int64_t earlier, store_->CountRecentText(text_hash, clock_->Now() - options_.repeat_window));
  if (earlier + 1 < options_.repeat_limit) return base::OkStatus();
  moderation::Reason reason;
  reason.rule = moderation::Rule::kAdvertisement;
  reason.span = text::Span{0, static_cast<uint32_t>(text.size())};
  reason.match = std::string(text);
  reason.detail = "repeated_comment";
  reason.action = moderation::Decision::kHold;
  reason.score = 1.0;
  // Reasons are ordered by span; this one starts at 0, so it goes first.
  verdict->reasons.insert(verdict->reasons.begin(), std::move(reason));
  if (verdict->decision == moderation::Decision::kPublish) {
    verdict->decision = moderation::Decision::kHold;
  }
  return base::OkStatus();
}

Result<Writer> CommentService::IdentifyWriter(std::string_view author, IpHashes ip) const {
  const std::shared_ptr<const moderation::Moderator> engine = policy_->engine();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  author = TrimAsciiSpace(author);
  const Status valid = ValidateAuthor(author, options_.max_author_bytes);
  Result<std::string> key = normalizer_->NameKey(author);
  if (!key.ok()) return valid.ok() ? key.status().WithContext("author") : valid;
  Writer writer;
  writer.name_ = std::string(author);
  writer.name_key_ = *std::move(key);
  COMMENTD_ASSIGN_OR_RETURN(writer.refusal_, JudgeName(*engine, writer.name_, writer.name_key_));
  // A name that is refused (an empty one too: it has no visible character)
  // is answered as a refused name, which tells its writer what to change,
  // even when it also breaks a field rule; Post checks those again.
  if (!valid.ok() && !writer.refusal_.has_value()) return valid;
  writer.ip_ = std::move(ip);
  return writer;
}

Result<PostResult> CommentService::Post(const PostRequest& request) {
  // The thread is named first, as it is the first field a request names.
  COMMENTD_RETURN_IF_ERROR(ValidateThreadKey(request.thread, "thread"));
  COMMENTD_ASSIGN_OR_RETURN(Writer writer,
                            IdentifyWriter(request.author, hasher_->HashIp(request.ip)));
  return Post(request, writer);
}

Status CommentService::CheckParent(const std::string& parent_id, const std::string& thread) const {
  Result<CommentDepth> parent = store_->GetCommentWithDepth(parent_id);
  if (!parent.ok() && parent.status().code() != base::StatusCode::kNotFound) {
    return parent.status();
  }
  if (!parent.ok() || parent->comment.thread != thread) {
    return base::InvalidArgumentError("parent_id: no comment {} in thread {}",
                                      parent_id.substr(0, 64), thread);
  }
  if (parent->comment.state != CommentState::kPublished) {
    return base::InvalidArgumentError("parent_id: comment {} is not published", parent_id);
  }
  if (parent->depth + 1 > kMaxReplyDepth) {
    return base::InvalidArgumentError("parent_id: replies nest at most {} deep", kMaxReplyDepth);
  }
  return base::OkStatus();
}

Result<PostResult> CommentService::Post(const PostRequest& request, const Writer& writer) {
  const std::shared_ptr<const moderation::Moderator> engine = policy_->engine();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  COMMENTD_RETURN_IF_ERROR(ValidateThreadKey(request.thread, "thread"));
  const std::string_view author = writer.name();
  COMMENTD_RETURN_IF_ERROR(ValidateAuthor(author, options_.max_author_bytes));
  COMMENTD_RETURN_IF_ERROR(ValidateText(request.text, options_.max_text_bytes));
  COMMENTD_RETURN_IF_ERROR(ValidateLang(request.lang));
  if (request.parent_id.has_value()) {
    COMMENTD_RETURN_IF_ERROR(CheckParent(*request.parent_id, request.thread));
  }
  // With an idempotency key, the id and edit token follow from the key (and
  // the site key), so a retry finds what an earlier attempt stored.
  std::string id = NewCommentId();
  std::string edit_token = RandomToken();
  if (!request.idempotency_key.empty()) {
    COMMENTD_RETURN_IF_ERROR(ValidateIdempotencyKey(request.idempotency_key));
    std::string material = request.thread;
    material.push_back('\0');
    material.append(author);
    material.push_back('\0');
    material.append(request.idempotency_key);
    id = CommentIdFromHex(hasher_->Hash("idempotency", material));
    edit_token = hasher_->Hash("idempotent-edit-token", material);
    COMMENTD_ASSIGN_OR_RETURN(std::optional<PostResult> replay,
                              Replay(id, request, writer, edit_token));
    if (replay.has_value()) return *std::move(replay);
  }
  COMMENTD_ASSIGN_OR_RETURN(
      bool banned,
      store_->IsWriterBanned(author, writer.name_key(), writer.ip().current, writer.ip().previous));
  if (banned) return base::PermissionDeniedError("author: {} may not comment here", author);
  if (writer.refusal().has_value()) {
    return base::InvalidArgumentError("{}", writer.refusal()->message);
  }

  PostResult result;
  std::optional<std::string> lexical_view;
  result.verdict = engine->Evaluate(request.text, &lexical_view);
  const std::string text_hash = TextHash(lexical_view);
  COMMENTD_RETURN_IF_ERROR(ApplyRepetition(text_hash, request.text, &result.verdict));
  result.edit_token = std::move(edit_token);
  const base::Time now = clock_->Now();
  Comment c;
  c.id = id;
  c.thread = request.thread;
  c.parent_id = request.parent_id;
  c.author = Author{std::string(author), writer.ip().current};
  c.text = request.text;
  c.lang = request.lang;
  c.state = StateFor(result.verdict.decision);
  c.engine_decision = result.verdict.decision;
  c.reasons = result.verdict.reasons;
  c.policy_version = result.verdict.policy_version;
  c.decided_by = DecidedBy::kEngine;
  c.created_at = now;
  c.decided_at = now;
  c.edit_token_hash = hasher_->Hash("edit", result.edit_token);
  c.text_hash = text_hash;
  Result<Comment> stored = store_->InsertComment(c);
  if (!stored.ok() && stored.status().code() == base::StatusCode::kAlreadyExists &&
      !request.idempotency_key.empty()) {
    // A concurrent attempt with the same key stored it first.
    COMMENTD_ASSIGN_OR_RETURN(std::optional<PostResult> replay,
                              Replay(id, request, writer, result.edit_token));
    if (replay.has_value()) return *std::move(replay);
  }
  COMMENTD_ASSIGN_OR_RETURN(result.comment, std::move(stored));
  result.message = ExplainVerdict(result.verdict, request.lang);
  return result;
}

Result<std::optional<PostResult>> CommentService::Replay(const std::string& id,
                                                         const PostRequest& request,
                                                         const Writer& writer,
                                                         const std::string& edit_token) const {
  Result<Comment> earlier = store_->GetComment(id);
  if (!earlier.ok()) {
    if (earlier.status().code() == base::StatusCode::kNotFound) {
      return std::optional<PostResult>();
    }
    return earlier.status();
  }
  if (earlier->text != request.text || earlier->parent_id != request.parent_id) {
    return base::FailedPreconditionError(
        "Idempotency-Key: already used by {} in this thread for a different comment",
        writer.name());
  }
  // The key travels in a header that proxies log and scripts copy; knowing
  // it must not be enough to get the edit token: only the client that
  // stored the comment (same address key, this or the previous IP key
  // period) gets it back.
  const std::string& stored_ip = earlier->author.ip_hash;
  if (stored_ip != writer.ip().current &&
      (stored_ip.empty() || stored_ip != writer.ip().previous)) {
    return base::FailedPreconditionError(
        "Idempotency-Key: already used from another address; post again with a new key");
  }
  PostResult result;
  result.comment = *std::move(earlier);
  result.verdict.decision = result.comment.engine_decision;
  result.verdict.reasons = result.comment.reasons;
  result.verdict.policy_version = result.comment.policy_version;
  result.edit_token = edit_token;
  result.message = ExplainVerdict(result.verdict, request.lang);
  result.replayed = true;
  return std::optional<PostResult>(std::move(result));
}

Result<CheckResult> CommentService::Check(std::string_view text, std::string_view lang) const {
  const std::shared_ptr<const moderation::Moderator> engine = policy_->engine();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  if (text.size() > options_.max_text_bytes) {
    return base::InvalidArgumentError("text: {} bytes long, at most {} allowed", text.size(),
                                      options_.max_text_bytes);
  }
  COMMENTD_RETURN_IF_ERROR(ValidateLang(lang));
  CheckResult result;
  result.verdict = engine->Evaluate(text);
  result.message = ExplainVerdict(result.verdict, lang);
  return result;
}

Result<ThreadPage> CommentService::ListThread(const ThreadRequest& request) const {
  COMMENTD_RETURN_IF_ERROR(ValidateThreadKey(request.thread, "thread"));
  COMMENTD_RETURN_IF_ERROR(ValidateLimit(request.limit, options_.max_page_size));
  if (request.replies < 0 || request.replies > options_.max_replies_per_comment) {
    return base::InvalidArgumentError("replies: must be between 0 and {}, got {}",
                                      options_.max_replies_per_comment, request.replies);
  }
  COMMENTD_ASSIGN_OR_RETURN(std::optional<Cursor> after, DecodeAfter(request.after));
  bool parent_visible = true;
  if (request.parent.has_value()) {
    Result<Comment> parent = store_->GetComment(*request.parent);
    if (!parent.ok() && parent.status().code() != base::StatusCode::kNotFound) {
      return parent.status();
    }
    if (!parent.ok() || parent->thread != request.thread) return NoSuchParent(request);
    // A hidden comment shows (as removed) while a reply under it does.
    parent_visible = parent->state == CommentState::kPublished;
  }
  const SortOrder order = request.parent.has_value() ? SortOrder::kOldest : request.sort;
  // One visible root more than the page shows says whether a next page exists.
  COMMENTD_ASSIGN_OR_RETURN(
      std::vector<Comment> slice,
      ReadSlice(request, order, after.has_value() ? std::optional(after->seq) : std::nullopt,
                request.limit + 1));
  if (!parent_visible && CountVisibleRoots(slice) == 0) {
    // Nothing visible after the cursor; is there anything before it?
    if (!after.has_value()) return NoSuchParent(request);
    COMMENTD_ASSIGN_OR_RETURN(std::vector<Comment> first,
                              ReadSlice(request, order, std::nullopt, 1));
    if (CountVisibleRoots(first) == 0) return NoSuchParent(request);
  }
  ThreadPage page = AssembleSlicePage(
      slice, request, after, PageBudget{options_.max_page_comments, options_.max_page_bytes});
  COMMENTD_ASSIGN_OR_RETURN(const auto counts, store_->CountPublished({request.thread}));
  page.published_count = counts.at(request.thread);
  return page;
}

Result<std::vector<Comment>> CommentService::ReadSlice(const ThreadRequest& request,
                                                       SortOrder order,
                                                       std::optional<int64_t> after_seq,
                                                       int visible_roots) const {
  // Hidden roots with nothing visible under them do not show, so read roots
  // in batches until enough show or none remain; each batch is twice the
  // last, which bounds the queries to a logarithm of the thread's size.
  std::vector<Comment> out;
  int shown = 0;
  int batch = visible_roots;
  while (true) {
    COMMENTD_ASSIGN_OR_RETURN(
        ThreadSlice slice,
        store_->ListThreadSlice(request.thread, request.parent, order, after_seq, batch));
    shown += CountVisibleRoots(slice.comments);
    for (const Comment& c : slice.comments) {
      if (c.parent_id != request.parent) continue;
      if (!after_seq.has_value() ||
          (order == SortOrder::kOldest ? c.seq > *after_seq : c.seq < *after_seq)) {
        after_seq = c.seq;
      }
    }
    std::move(slice.comments.begin(), slice.comments.end(), std::back_inserter(out));
    if (shown >= visible_roots || !slice.more) break;
    batch = std::min(batch * 2, 4096);
  }
  // Later batches of a "newest" listing hold lower seqs.
  std::sort(out.begin(), out.end(),
            [](const Comment& a, const Comment& b) { return a.seq < b.seq; });
  return out;
}

Result<std::map<std::string, int64_t>> CommentService::Counts(
    const std::vector<std::string>& threads) const {
  if (threads.empty()) return base::InvalidArgumentError("threads: name at least one thread");
  if (static_cast<int>(threads.size()) > options_.max_page_size) {
    return base::InvalidArgumentError("threads: {} keys, at most {} allowed", threads.size(),
                                      options_.max_page_size);
  }
  for (size_t i = 0; i < threads.size(); ++i) {
    COMMENTD_RETURN_IF_ERROR(ValidateThreadKey(threads[i], fmt::format("threads[{}]", i)));
  }
  return store_->CountPublished(threads);
}

Result<Comment> CommentService::CheckEditable(std::string_view id,
                                              std::string_view edit_token) const {
  Result<Comment> found = store_->GetComment(id);
  if (!found.ok()) {
    if (found.status().code() == base::StatusCode::kNotFound) {
      return base::NotFoundError("no comment {}", id.substr(0, 64));
    }
    return found.status();
  }
  Comment c = std::move(found).value();
  if (!ConstantTimeEquals(hasher_->Hash("edit", edit_token), c.edit_token_hash) ||
      edit_token.empty()) {
    return base::PermissionDeniedError("X-Edit-Token: not the edit token of comment {}", c.id);
  }
  if (clock_->Now() - c.created_at > options_.edit_window) {
    return base::FailedPreconditionError(
        "comment {} can no longer be changed: the edit window ended at {}", c.id,
        base::FormatRfc3339(c.created_at + options_.edit_window));
  }
  if (c.state == CommentState::kDeleted && c.decided_by != DecidedBy::kEngine) {
    return base::FailedPreconditionError(
        "comment {} was deleted by {}", c.id,
        c.decided_by == DecidedBy::kAuthor ? "its author" : "a moderator");
  }
  return c;
}

Result<PostResult> CommentService::Edit(std::string_view id, std::string_view edit_token,
                                        std::string_view text, std::string_view lang) {
  const std::shared_ptr<const moderation::Moderator> engine = policy_->engine();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  COMMENTD_RETURN_IF_ERROR(ValidateText(text, options_.max_text_bytes));
  COMMENTD_RETURN_IF_ERROR(ValidateLang(lang));
  COMMENTD_ASSIGN_OR_RETURN(Comment before, CheckEditable(id, edit_token));
  // A ban also ends editing: otherwise an earlier comment's edit token would
  // let the banned author keep writing.
  COMMENTD_ASSIGN_OR_RETURN(const std::string author_key, AuthorKey(before.author.name));
  COMMENTD_ASSIGN_OR_RETURN(bool banned, store_->IsWriterBanned(before.author.name, author_key,
                                                                before.author.ip_hash, ""));
  if (banned) {
    return base::PermissionDeniedError("author: {} may not comment here", before.author.name);
  }
  // Every edit is kept, so a writer who keeps editing (from many addresses
  // within the window) could grow the table without end.
  COMMENTD_ASSIGN_OR_RETURN(int64_t revisions, store_->CountRevisions(before.id));
  if (revisions >= options_.max_revisions) {
    return base::FailedPreconditionError(
        "comment {} has been edited the most times allowed ({} versions); post a new comment",
        before.id, revisions);
  }

  PostResult result;
  std::optional<std::string> lexical_view;
  result.verdict = engine->Evaluate(text, &lexical_view);
  // An edit must not turn a unique comment into the n-th copy unnoticed.
  const std::string text_hash = TextHash(lexical_view);
  if (text_hash != before.text_hash) {
    COMMENTD_RETURN_IF_ERROR(ApplyRepetition(text_hash, text, &result.verdict));
  }
  const base::Time now = clock_->Now();
  const std::string new_lang = lang.empty() ? before.lang : std::string(lang);
  COMMENTD_ASSIGN_OR_RETURN(
      result.comment,
      store_->UpdateComment(before.id, [&](Comment& c) -> Result<CommentUpdateEffects> {
        // Checked again under the store's write lock: a moderator may have
        // acted since CheckEditable read the comment.
        if (c.state == CommentState::kDeleted && c.decided_by != DecidedBy::kEngine) {
          return base::FailedPreconditionError("comment {} was deleted meanwhile", c.id);
        }
        CommentUpdateEffects effects;
        Revision revision;
        revision.text = std::string(text);
        revision.lang = new_lang;
        revision.engine_decision = result.verdict.decision;
        revision.reasons = result.verdict.reasons;
        revision.policy_version = result.verdict.policy_version;
        revision.created_at = now;
        // A published comment stays as readers know it when the engine
        // refuses the edit: replacing it would hide the comment and put the
        // refused text where a moderator's restore would publish it. The
        // refused text is kept as a revision that never became current.
        result.edit_refused = c.state == CommentState::kPublished &&
                              result.verdict.decision != moderation::Decision::kPublish;
        if (result.edit_refused) {
          revision.became_current = false;
          effects.revision = std::move(revision);
          effects.audit =
              AuditEntry{0,
                         now,
                         std::string(kAuthorActor),
                         AuditAction::kAuthorEdit,
                         c.id,
                         c.author.name,
                         fmt::format("refused: {}; revision {} stays published",
                                     DecisionName(result.verdict.decision), c.revision)};
          return effects;
        }
        revision.became_current = true;
        effects.revision = std::move(revision);
        c.text = std::string(text);
        c.text_hash = text_hash;
        c.lang = new_lang;
        c.state = StateFor(result.verdict.decision);
        c.engine_decision = result.verdict.decision;
        c.reasons = result.verdict.reasons;
        c.policy_version = result.verdict.policy_version;
        c.decided_by = DecidedBy::kEngine;
        c.decided_by_moderator.clear();
        c.edited_at = now;
        c.decided_at = now;
        effects.audit = AuditEntry{0,
                                   now,
                                   std::string(kAuthorActor),
                                   AuditAction::kAuthorEdit,
                                   c.id,
                                   c.author.name,
                                   std::string(DecisionName(c.engine_decision))};
        return effects;
      }));
  result.message = ExplainVerdict(result.verdict, new_lang, result.edit_refused);
  return result;
}

Status CommentService::Delete(std::string_view id, std::string_view edit_token) {
  COMMENTD_ASSIGN_OR_RETURN(Comment before, CheckEditable(id, edit_token));
  const base::Time now = clock_->Now();
  Result<Comment> updated =
      store_->UpdateComment(before.id, [&](Comment& c) -> Result<CommentUpdateEffects> {
        if (c.state == CommentState::kDeleted && c.decided_by != DecidedBy::kEngine) {
          return base::FailedPreconditionError("comment {} was deleted meanwhile", c.id);
        }
        c.state = CommentState::kDeleted;
        c.decided_by = DecidedBy::kAuthor;
        c.decided_by_moderator.clear();
        c.decided_at = now;
        CommentUpdateEffects effects;
        effects.audit = AuditEntry{
            0, now, std::string(kAuthorActor), AuditAction::kAuthorDelete, c.id, c.author.name, ""};
        return effects;
      });
  return updated.ok() ? base::OkStatus() : updated.status();
}

Status CommentService::Report(std::string_view id, std::string_view reason, std::string_view ip) {
  COMMENTD_RETURN_IF_ERROR(ValidateReason(reason, options_.max_reason_bytes));
  Result<Comment> c = store_->GetComment(id);
  if (!c.ok() && c.status().code() != base::StatusCode::kNotFound) return c.status();
  // Hidden comments are as absent to readers as unknown ones.
  if (!c.ok() || c->state != CommentState::kPublished) {
    return base::NotFoundError("no published comment {}", id.substr(0, 64));
  }
  return store_->AddReport(
      comments::Report{c->id, std::string(reason), hasher_->HashIp(ip).current, clock_->Now()});
}

}  // namespace commentd::comments
