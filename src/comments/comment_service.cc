#include "comments/comment_service.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

#include "text/utf8.h"

namespace commentd::comments {
namespace {

using base::Result;
using base::Status;

constexpr std::string_view kAuthorActor = "author";
// Replies nest at most this deep; deeper threads are unreadable anyway and
// the bound keeps thread assembly's recursion shallow.
constexpr int kMaxReplyDepth = 32;
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

std::string RandomToken() {
  std::array<unsigned char, 32> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

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

std::string KeyedHashWith(std::string_view key, std::string_view domain, std::string_view data) {
  // The domain separates IP hashes from token hashes made with the same key.
  std::string input(domain);
  input.push_back('\0');
  input.append(data);
  std::array<unsigned char, crypto_generichash_BYTES> digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Status ValidateUtf8Field(std::string_view value, std::string_view field) {
  return text::ValidateUtf8(value).WithContext(field);
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

Status ValidateModeratorName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return base::InvalidArgumentError("name: must be 1 to 64 bytes, got {}", name.size());
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return base::InvalidArgumentError("name: byte {} is not allowed; use [A-Za-z0-9._-]", i);
    }
  }
  // These spell who decided a comment in the moderator API.
  if (name == "engine" || name == "author") {
    return base::InvalidArgumentError("name: \"{}\" is reserved", name);
  }
  return base::OkStatus();
}

Status ValidateLimit(int limit, int max) {
  if (limit < 1 || limit > max) {
    return base::InvalidArgumentError("limit: must be between 1 and {}, got {}", max, limit);
  }
  return base::OkStatus();
}

Result<std::optional<Cursor>> DecodeAfter(std::string_view after) {
  if (after.empty()) return std::optional<Cursor>();
  COMMENTD_ASSIGN_OR_RETURN(Cursor cursor, Cursor::Decode(after, "after"));
  return std::optional<Cursor>(cursor);
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

// Everything readers may see of a thread, assembled from all its comments.
class ThreadAssembler {
 public:
  explicit ThreadAssembler(const std::vector<Comment>& all) : all_(all) {
    for (size_t i = 0; i < all_.size(); ++i) index_.emplace(all_[i].id, i);
    children_.resize(all_.size());
    visible_.assign(all_.size(), false);
    for (size_t i = 0; i < all_.size(); ++i) {
      if (const auto p = Parent(i)) children_[*p].push_back(i);
    }
    // A reply is always stored after its parent (higher seq), so walking
    // backwards settles every child before its parent.
    for (size_t i = all_.size(); i-- > 0;) {
      if (all_[i].state == CommentState::kPublished) visible_[i] = true;
      if (visible_[i]) {
        if (const auto p = Parent(i)) visible_[*p] = true;
      }
    }
  }

  // Indexes of visible top-level comments, in seq order.
  std::vector<size_t> Roots() const {
    std::vector<size_t> roots;
    for (size_t i = 0; i < all_.size(); ++i) {
      if (visible_[i] && !Parent(i).has_value()) roots.push_back(i);
    }
    return roots;
  }

  // What a page may still hold, replies included. Each comment is charged
  // its text, author and id plus a fixed cost for the JSON around them.
  struct Budget {
    int comments = 0;
    size_t bytes = 0;
    bool Take(const Comment& c) {
      const size_t cost = c.text.size() + c.author.name.size() + c.id.size() + 256;
      if (comments < 1 || cost > bytes) return false;
      --comments;
      bytes -= cost;
      return true;
    }
  };

  // `i` with at most `replies` visible replies under each comment, while
  // `budget` lasts. The caller has charged `i` itself.
  ThreadNode Build(size_t i, int replies, Budget& budget, int depth = 0) const {
    const Comment& c = all_[i];
    ThreadNode node;
    node.id = c.id;
    node.parent_id = c.parent_id;
    node.created_at = c.created_at;
    if (c.state == CommentState::kPublished) {
      node.author = c.author.name;
      node.text = c.text;
      node.edited_at = c.edited_at;
    } else {
      node.removed = true;
    }
    const std::vector<size_t> children = VisibleChildren(i);
    node.reply_count = static_cast<int64_t>(children.size());
    if (depth < kMaxReplyDepth + 1) {
      for (size_t child : children) {
        if (static_cast<int>(node.replies.size()) >= replies || !budget.Take(all_[child])) break;
        node.replies.push_back(Build(child, replies, budget, depth + 1));
      }
    }
    if (node.replies.size() < children.size() && !node.replies.empty()) {
      node.replies_cursor = Cursor{all_[children[node.replies.size() - 1]].seq}.Encode();
    }
    return node;
  }

  // Indexes of the visible direct replies of `i`, in seq order.
  std::vector<size_t> VisibleChildren(size_t i) const {
    std::vector<size_t> out;
    for (size_t child : children_[i]) {
      if (visible_[child]) out.push_back(child);
    }
    return out;
  }

  // The index of the visible comment `id`.
  std::optional<size_t> FindVisible(std::string_view id) const {
    const auto it = index_.find(std::string(id));
    if (it == index_.end() || !visible_[it->second]) return std::nullopt;
    return it->second;
  }

  int64_t PublishedCount() const {
    return std::count_if(all_.begin(), all_.end(),
                         [](const Comment& c) { return c.state == CommentState::kPublished; });
  }

 private:
  std::optional<size_t> Parent(size_t i) const {
    if (!all_[i].parent_id.has_value()) return std::nullopt;
    const auto it = index_.find(*all_[i].parent_id);
    if (it == index_.end() || it->second >= i) return std::nullopt;
    return it->second;
  }

  const std::vector<Comment>& all_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::vector<size_t>> children_;
  std::vector<bool> visible_;
};

}  // namespace

Result<std::unique_ptr<CommentService>> CommentService::Create(
    std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
    std::shared_ptr<const moderation::Moderator> moderator, ServiceOptions options) {
  if (store == nullptr) return base::InvalidArgumentError("store: must not be null");
  if (clock == nullptr) return base::InvalidArgumentError("clock: must not be null");
  if (sodium_init() < 0) return base::InternalError("libsodium failed to initialize");
  if (options.password_ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      options.password_mem_limit < crypto_pwhash_argon2id_MEMLIMIT_MIN) {
    return base::InvalidArgumentError("password limits: below the argon2id minimum");
  }
  std::string key = options.site_key;
  if (key.empty()) {
    std::string fresh(crypto_generichash_KEYBYTES, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    COMMENTD_ASSIGN_OR_RETURN(key, store->GetOrInsertSetting("site_key", fresh));
  }
  if (key.size() < crypto_generichash_KEYBYTES_MIN ||
      key.size() > crypto_generichash_KEYBYTES_MAX) {
    return base::InvalidArgumentError("site_key: must be {} to {} bytes, got {}",
                                      crypto_generichash_KEYBYTES_MIN,
                                      crypto_generichash_KEYBYTES_MAX, key.size());
  }
  if (options.max_revisions < 1) {
    return base::InvalidArgumentError("max_revisions: must be 1 or more, got {}",
                                      options.max_revisions);
  }
  if (options.repeat_limit < 0) {
    return base::InvalidArgumentError("repeat_limit: must be 0 (off) or more, got {}",
                                      options.repeat_limit);
  }
  // A hash of a random password that no one knows, verified against for
  // unknown names at login (see Login).
  std::string dummy_hash(crypto_pwhash_argon2id_STRBYTES, '\0');
  {
    const std::string secret = RandomToken();
    if (crypto_pwhash_argon2id_str(dummy_hash.data(), secret.data(), secret.size(),
                                   options.password_ops_limit, options.password_mem_limit) != 0) {
      return base::ResourceExhaustedError("password limits: not enough memory for argon2id");
    }
    dummy_hash.resize(dummy_hash.find('\0'));
  }
  COMMENTD_ASSIGN_OR_RETURN(std::unique_ptr<IpKeyRing> ip_keys,
                            IpKeyRing::Open(options.ip_key_file, options.ip_key_period, clock));
  COMMENTD_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::Create());
  return std::unique_ptr<CommentService>(new CommentService(
      std::move(store), std::move(clock), std::move(moderator), std::move(options), std::move(key),
      std::move(ip_keys), std::move(dummy_hash),
      std::make_shared<const text::Normalizer>(std::move(normalizer))));
}

CommentService::CommentService(std::shared_ptr<Store> store,
                               std::shared_ptr<const base::Clock> clock,
                               std::shared_ptr<const moderation::Moderator> moderator,
                               ServiceOptions options, std::string site_key,
                               std::unique_ptr<IpKeyRing> ip_keys, std::string dummy_password_hash,
                               std::shared_ptr<const text::Normalizer> normalizer)
    : store_(std::move(store)),
      clock_(std::move(clock)),
      options_(std::move(options)),
      site_key_(std::move(site_key)),
      ip_keys_(std::move(ip_keys)),
      dummy_password_hash_(std::move(dummy_password_hash)),
      normalizer_(std::move(normalizer)),
      moderator_(std::move(moderator)) {
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
  const std::shared_ptr<const moderation::Moderator> engine = moderator();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  author = TrimAsciiSpace(author);
  COMMENTD_ASSIGN_OR_RETURN(std::string key, normalizer_->NameKey(author));
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
  moderation::Verdict verdict = engine->Evaluate(author);
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

void CommentService::SetModerator(std::shared_ptr<const moderation::Moderator> moderator) {
  std::lock_guard<std::mutex> lock(moderator_mu_);
  moderator_ = std::move(moderator);
}

std::shared_ptr<const moderation::Moderator> CommentService::moderator() const {
  std::lock_guard<std::mutex> lock(moderator_mu_);
  return moderator_;
}

std::string CommentService::KeyedHash(std::string_view domain, std::string_view data) const {
  return KeyedHashWith(site_key_, domain, data);
}

std::string CommentService::TextHash(std::string_view text) const {
  // The lexical view undoes case, fullwidth letters, homoglyphs, accents,
  // leetspeak and spaced letters; dropping ASCII spaces and punctuation on
  // top makes "BUY now!!!" and "buy now" one text. Non-ASCII bytes stay:
  // CJK comments are mostly letters.
  auto folded = normalizer_->Fold(text);
  if (!folded.ok()) return "";
  const text::NormalizedText lexical = normalizer_->Lexical(*folded);
  std::string key;
  key.reserve(lexical.size());
  for (const char ch : lexical.text()) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      key.push_back(ch);
    }
  }
  if (key.size() < options_.repeat_min_bytes) return "";
  return KeyedHash("text", key);
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

std::string CommentService::HashIp(std::string_view ip) const {
  if (ip.empty()) return "";
  return KeyedHashWith(ip_keys_->Now().current, "ip", ip);
}

std::string CommentService::HashIpPrevious(std::string_view ip) const {
  const IpKeyRing::Keys keys = ip_keys_->Now();
  if (ip.empty() || keys.previous.empty()) return "";
  return KeyedHashWith(keys.previous, "ip", ip);
}

Result<bool> CommentService::IsBanned(std::string_view author, std::string_view ip) const {
  COMMENTD_ASSIGN_OR_RETURN(const std::string author_key, AuthorKey(author));
  const IpKeyRing::Keys keys = ip_keys_->Now();
  const std::string current = ip.empty() ? "" : KeyedHashWith(keys.current, "ip", ip);
  COMMENTD_ASSIGN_OR_RETURN(bool banned, store_->IsBanned(author, author_key, current));
  if (banned || ip.empty() || keys.previous.empty()) return banned;
  return store_->IsBanned(author, author_key, KeyedHashWith(keys.previous, "ip", ip));
}

Result<PostResult> CommentService::Post(const PostRequest& request) {
  const std::shared_ptr<const moderation::Moderator> engine = moderator();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  COMMENTD_RETURN_IF_ERROR(ValidateThreadKey(request.thread, "thread"));
  const std::string_view author = TrimAsciiSpace(request.author);
  if (author.empty()) return base::InvalidArgumentError("author: must not be empty");
  if (author.size() > options_.max_author_bytes) {
    return base::InvalidArgumentError("author: {} bytes long, at most {} allowed", author.size(),
                                      options_.max_author_bytes);
  }
  COMMENTD_RETURN_IF_ERROR(ValidateUtf8Field(author, "author"));
  for (size_t i = 0; i < author.size(); ++i) {
    if (static_cast<unsigned char>(author[i]) < 0x20 || author[i] == 0x7f) {
      return base::InvalidArgumentError("author: control character at byte {}", i);
    }
  }
  COMMENTD_RETURN_IF_ERROR(ValidateText(request.text, options_.max_text_bytes));
  COMMENTD_RETURN_IF_ERROR(ValidateLang(request.lang));
  if (request.parent_id.has_value()) {
    const std::string& parent_id = *request.parent_id;
    Result<Comment> parent = store_->GetComment(parent_id);
    if (!parent.ok() && parent.status().code() != base::StatusCode::kNotFound) {
      return parent.status();
    }
    if (!parent.ok() || parent->thread != request.thread) {
      return base::InvalidArgumentError("parent_id: no comment {} in thread {}",
                                        parent_id.substr(0, 64), request.thread);
    }
    if (parent->state != CommentState::kPublished) {
      return base::InvalidArgumentError("parent_id: comment {} is not published", parent_id);
    }
    int depth = 1;
    std::optional<std::string> ancestor = parent->parent_id;
    while (ancestor.has_value()) {
      if (++depth > kMaxReplyDepth) {
        return base::InvalidArgumentError("parent_id: replies nest at most {} deep",
                                          kMaxReplyDepth);
      }
      COMMENTD_ASSIGN_OR_RETURN(Comment a, store_->GetComment(*ancestor));
      ancestor = a.parent_id;
    }
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
    id = CommentIdFromHex(KeyedHash("idempotency", material));
    edit_token = KeyedHash("idempotent-edit-token", material);
    COMMENTD_ASSIGN_OR_RETURN(std::optional<PostResult> replay,
                              Replay(id, request, author, edit_token));
    if (replay.has_value()) return *std::move(replay);
  }
  const std::string ip_hash = HashIp(request.ip);
  COMMENTD_ASSIGN_OR_RETURN(bool banned, IsBanned(author, request.ip));
  if (banned) return base::PermissionDeniedError("author: {} may not comment here", author);
  COMMENTD_ASSIGN_OR_RETURN(std::optional<AuthorRefusal> refusal, CheckAuthor(author));
  if (refusal.has_value()) return base::InvalidArgumentError("{}", refusal->message);

  PostResult result;
  result.verdict = engine->Evaluate(request.text);
  const std::string text_hash = TextHash(request.text);
  COMMENTD_RETURN_IF_ERROR(ApplyRepetition(text_hash, request.text, &result.verdict));
  result.edit_token = std::move(edit_token);
  const base::Time now = clock_->Now();
  Comment c;
  c.id = id;
  c.thread = request.thread;
  c.parent_id = request.parent_id;
  c.author = Author{std::string(author), ip_hash};
  c.text = request.text;
  c.lang = request.lang;
  c.state = StateFor(result.verdict.decision);
  c.engine_decision = result.verdict.decision;
  c.reasons = result.verdict.reasons;
  c.policy_version = result.verdict.policy_version;
  c.decided_by = DecidedBy::kEngine;
  c.created_at = now;
  c.decided_at = now;
  c.edit_token_hash = KeyedHash("edit", result.edit_token);
  c.text_hash = text_hash;
  Result<Comment> stored = store_->InsertComment(c);
  if (!stored.ok() && stored.status().code() == base::StatusCode::kAlreadyExists &&
      !request.idempotency_key.empty()) {
    // A concurrent attempt with the same key stored it first.
    COMMENTD_ASSIGN_OR_RETURN(std::optional<PostResult> replay,
                              Replay(id, request, author, result.edit_token));
    if (replay.has_value()) return *std::move(replay);
  }
  COMMENTD_ASSIGN_OR_RETURN(result.comment, std::move(stored));
  result.message = ExplainVerdict(result.verdict, request.lang);
  return result;
}

Result<std::optional<PostResult>> CommentService::Replay(const std::string& id,
                                                         const PostRequest& request,
                                                         std::string_view author,
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
        "Idempotency-Key: already used by {} in this thread for a different comment", author);
  }
  // The key travels in a header that proxies log and scripts copy; knowing
  // it must not be enough to get the edit token: only the client that
  // stored the comment (same address key, this or the previous IP key
  // period) gets it back.
  const std::string& stored_ip = earlier->author.ip_hash;
  if (stored_ip != HashIp(request.ip) &&
      (stored_ip.empty() || stored_ip != HashIpPrevious(request.ip))) {
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
  const std::shared_ptr<const moderation::Moderator> engine = moderator();
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
  COMMENTD_ASSIGN_OR_RETURN(std::vector<Comment> all, store_->ListThread(request.thread));

  const ThreadAssembler assembler(all);
  std::vector<size_t> roots;
  SortOrder order = request.sort;
  if (request.parent.has_value()) {
    const std::optional<size_t> parent = assembler.FindVisible(*request.parent);
    if (!parent.has_value()) {
      return base::NotFoundError("parent: no comment {} in thread {}",
                                 request.parent->substr(0, 64), request.thread);
    }
    roots = assembler.VisibleChildren(*parent);
    order = SortOrder::kOldest;  // replies read oldest first
  } else {
    roots = assembler.Roots();
    if (order == SortOrder::kNewest) std::reverse(roots.begin(), roots.end());
  }
  // Cursors are seqs: new comments get higher seqs, so they land after the
  // end of an "oldest" listing and before the start of a "newest" one, and
  // never shift the pages a reader is walking through.
  const auto past_cursor = [&](size_t i) {
    if (!after.has_value()) return true;
    return order == SortOrder::kOldest ? all[i].seq > after->seq : all[i].seq < after->seq;
  };
  ThreadPage page;
  page.thread = request.thread;
  page.published_count = assembler.PublishedCount();
  // Replies count against the page too: a thread of one comment with
  // thousands of replies still answers a bounded page.
  ThreadAssembler::Budget budget{options_.max_page_comments, options_.max_page_bytes};
  int64_t last_seq = 0;
  for (size_t i : roots) {
    if (!past_cursor(i)) continue;
    // A page always shows at least one comment, so a reader can move on.
    const bool full = static_cast<int>(page.comments.size()) == request.limit ||
                      (!budget.Take(all[i]) && !page.comments.empty());
    if (full) {
      // More remain: the cursor names the last comment shown.
      page.next_cursor = Cursor{last_seq}.Encode();
      break;
    }
    page.comments.push_back(assembler.Build(i, request.replies, budget));
    last_seq = all[i].seq;
  }
  return page;
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
  if (!ConstantTimeEquals(KeyedHash("edit", edit_token), c.edit_token_hash) || edit_token.empty()) {
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
  const std::shared_ptr<const moderation::Moderator> engine = moderator();
  if (engine == nullptr) return base::UnavailableError("no moderation engine is loaded");
  COMMENTD_RETURN_IF_ERROR(ValidateText(text, options_.max_text_bytes));
  COMMENTD_RETURN_IF_ERROR(ValidateLang(lang));
  COMMENTD_ASSIGN_OR_RETURN(Comment before, CheckEditable(id, edit_token));
  // A ban also ends editing: otherwise an earlier comment's edit token would
  // let the banned author keep writing.
  COMMENTD_ASSIGN_OR_RETURN(const std::string author_key, AuthorKey(before.author.name));
  COMMENTD_ASSIGN_OR_RETURN(
      bool banned, store_->IsBanned(before.author.name, author_key, before.author.ip_hash));
  if (banned) {
    return base::PermissionDeniedError("author: {} may not comment here", before.author.name);
  }
  // Every edit is kept, so a writer who keeps editing (from many addresses
  // within the window) could grow the table without end.
  COMMENTD_ASSIGN_OR_RETURN(std::vector<Revision> revisions, store_->ListRevisions(before.id));
  if (static_cast<int>(revisions.size()) >= options_.max_revisions) {
    return base::FailedPreconditionError(
        "comment {} has been edited the most times allowed ({} versions); post a new comment",
        before.id, revisions.size());
  }

  PostResult result;
  result.verdict = engine->Evaluate(text);
  // An edit must not turn a unique comment into the n-th copy unnoticed.
  const std::string text_hash = TextHash(text);
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
  if (reason.size() > options_.max_reason_bytes) {
    return base::InvalidArgumentError("reason: {} bytes long, at most {} allowed", reason.size(),
                                      options_.max_reason_bytes);
  }
  COMMENTD_RETURN_IF_ERROR(ValidateUtf8Field(reason, "reason"));
  Result<Comment> c = store_->GetComment(id);
  if (!c.ok() && c.status().code() != base::StatusCode::kNotFound) return c.status();
  // Hidden comments are as absent to readers as unknown ones.
  if (!c.ok() || c->state != CommentState::kPublished) {
    return base::NotFoundError("no published comment {}", id.substr(0, 64));
  }
  return store_->AddReport(comments::Report{c->id, std::string(reason), HashIp(ip), clock_->Now()});
}

Result<Page<Comment>> CommentService::ListQueue(Queue queue, int limit,
                                                std::string_view after) const {
  COMMENTD_RETURN_IF_ERROR(ValidateLimit(limit, options_.max_page_size));
  COMMENTD_ASSIGN_OR_RETURN(std::optional<Cursor> cursor, DecodeAfter(after));
  return store_->ListQueue(queue, cursor, limit);
}

Result<CommentRevisions> CommentService::ListRevisions(std::string_view id) const {
  // The comment first: every revision it can name is then in the list.
  Result<Comment> comment = store_->GetComment(id);
  if (!comment.ok()) {
    if (comment.status().code() == base::StatusCode::kNotFound) {
      return base::NotFoundError("no comment {}", id.substr(0, 64));
    }
    return comment.status();
  }
  CommentRevisions out;
  out.comment = *std::move(comment);
  COMMENTD_ASSIGN_OR_RETURN(out.revisions, store_->ListRevisions(out.comment.id));
  return out;
}

ActionResult CommentService::ActOne(const ActRequest& request, const std::string& id) {
  const base::Time now = clock_->Now();
  const auto seen = request.revisions.find(id);
  bool stale = false;
  Result<Comment> updated =
      store_->UpdateComment(id, [&](Comment& c) -> Result<CommentUpdateEffects> {
        // Checked under the store's write lock, so what is approved or
        // restored is exactly the text the moderator looked at.
        stale = false;  // the store may run this again (e.g. after a deadlock)
        if (seen != request.revisions.end() && seen->second != c.revision) {
          stale = true;
          return base::FailedPreconditionError(
              "comment {} changed since you saw it: you saw revision {}, it is now at revision "
              "{}; reload it and decide again",
              c.id, seen->second, c.revision);
        }
        CommentUpdateEffects effects;
        AuditAction audit_action = AuditAction::kApprove;
        switch (request.action) {
          case ModAction::kApprove:
            if (c.state == CommentState::kDeleted) {
              return base::FailedPreconditionError("comment {} is deleted; use restore", c.id);
            }
            if (c.state == CommentState::kPublished && c.open_reports == 0) {
              return base::FailedPreconditionError("comment {} is already published", c.id);
            }
            c.state = CommentState::kPublished;
            audit_action = AuditAction::kApprove;
            break;
          case ModAction::kDelete:
            if (c.state == CommentState::kDeleted) {
              return base::FailedPreconditionError("comment {} is already deleted", c.id);
            }
            c.state = CommentState::kDeleted;
            audit_action = AuditAction::kDelete;
            break;
          case ModAction::kRestore:
            if (c.state != CommentState::kDeleted) {
              return base::FailedPreconditionError("comment {} is {}, not deleted", c.id,
                                                   CommentStateName(c.state));
            }
            c.state = CommentState::kPublished;
            audit_action = AuditAction::kRestore;
            break;
          case ModAction::kBan: {
            // A name that is not UTF-8 cannot have been posted; it keeps an
            // empty key and matches by its exact bytes.
            Result<std::string> key = AuthorKey(c.author.name);
            effects.ban = Ban{c.author.name,
                              c.author.ip_hash,
                              request.moderator,
                              request.reason,
                              now,
                              key.ok() ? *std::move(key) : std::string()};
            c.state = CommentState::kDeleted;
            audit_action = AuditAction::kBan;
            break;
          }
        }
        c.decided_by = DecidedBy::kModerator;
        c.decided_by_moderator = request.moderator;
        c.decided_at = now;
        effects.resolve_reports = true;
        effects.audit = AuditEntry{0,    now,           request.moderator, audit_action,
                                   c.id, c.author.name, request.reason};
        return effects;
      });
  ActionResult result;
  result.id = id;
  result.stale = stale;
  if (updated.ok()) {
    result.revision = updated->revision;
  } else {
    result.status = updated.status();
  }
  return result;
}

Result<std::vector<ActionResult>> CommentService::Act(const ActRequest& request) {
  if (request.comment_ids.empty()) {
    return base::InvalidArgumentError("comment_ids: name at least one comment");
  }
  if (static_cast<int>(request.comment_ids.size()) > options_.max_action_ids) {
    return base::InvalidArgumentError("comment_ids: {} ids, at most {} allowed",
                                      request.comment_ids.size(), options_.max_action_ids);
  }
  if (request.reason.size() > options_.max_reason_bytes) {
    return base::InvalidArgumentError("reason: {} bytes long, at most {} allowed",
                                      request.reason.size(), options_.max_reason_bytes);
  }
  COMMENTD_RETURN_IF_ERROR(ValidateUtf8Field(request.reason, "reason"));
  for (const auto& [id, revision] : request.revisions) {
    if (revision < 1) {
      return base::InvalidArgumentError("revisions[{}]: must be 1 or more, got {}",
                                        id.substr(0, 64), revision);
    }
  }
  Result<ModeratorAccount> account = store_->GetModerator(request.moderator);
  if (!account.ok()) {
    if (account.status().code() == base::StatusCode::kNotFound) {
      return base::InvalidArgumentError("moderator: no account {}", request.moderator);
    }
    return account.status();
  }
  std::vector<ActionResult> results;
  results.reserve(request.comment_ids.size());
  for (const std::string& id : request.comment_ids) {
    results.push_back(ActOne(request, id));
  }
  return results;
}

Result<Page<AuditEntry>> CommentService::ListAudit(int limit, std::string_view after) const {
  COMMENTD_RETURN_IF_ERROR(ValidateLimit(limit, options_.max_page_size));
  COMMENTD_ASSIGN_OR_RETURN(std::optional<Cursor> cursor, DecodeAfter(after));
  return store_->ListAudit(cursor, limit);
}

Result<std::vector<DayStats>> CommentService::Stats(int days) const {
  if (days < 1 || days > 365) {
    return base::InvalidArgumentError("days: must be between 1 and 365, got {}", days);
  }
  const int64_t now_micros = base::ToUnixMicros(clock_->Now());
  const int64_t today = now_micros / kMicrosPerDay;
  const int64_t first = today - days + 1;
  COMMENTD_ASSIGN_OR_RETURN(std::vector<DayStats> stored,
                            store_->Stats(base::FromUnixMicros(first * kMicrosPerDay),
                                          base::FromUnixMicros((today + 1) * kMicrosPerDay)));
  std::vector<DayStats> out;
  out.reserve(static_cast<size_t>(days));
  size_t next = 0;
  for (int64_t day = first; day <= today; ++day) {
    while (next < stored.size() && stored[next].day < day) ++next;
    if (next < stored.size() && stored[next].day == day) {
      out.push_back(stored[next]);
    } else {
      DayStats empty;
      empty.day = day;
      out.push_back(empty);
    }
  }
  return out;
}

Status CommentService::AddModerator(std::string_view name, std::string_view password,
                                    std::string_view actor) {
  COMMENTD_RETURN_IF_ERROR(ValidateModeratorName(name));
  if (password.size() < 8) return base::InvalidArgumentError("password: at least 8 bytes");
  if (password.size() > 1024) return base::InvalidArgumentError("password: at most 1024 bytes");
  std::string hash(crypto_pwhash_argon2id_STRBYTES, '\0');
  if (crypto_pwhash_argon2id_str(hash.data(), password.data(), password.size(),
                                 options_.password_ops_limit, options_.password_mem_limit) != 0) {
    return base::ResourceExhaustedError("password: not enough memory to hash it");
  }
  hash.resize(hash.find('\0'));
  const base::Time now = clock_->Now();
  ModeratorAccount account{std::string(name), std::move(hash), now};
  AuditEntry audit{0, now, std::string(actor), AuditAction::kModeratorAdd, "", std::string(name),
                   ""};
  return store_->InsertModerator(account, audit);
}

Result<std::vector<ModeratorAccount>> CommentService::ListModerators() const {
  return store_->ListModerators();
}

Status CommentService::RemoveModerator(std::string_view name, std::string_view actor) {
  AuditEntry audit{
      0, clock_->Now(), std::string(actor), AuditAction::kModeratorRemove, "", std::string(name),
      ""};
  return store_->RemoveModerator(name, audit);
}

Result<LoginResult> CommentService::Login(std::string_view name, std::string_view password) {
  const auto denied = [] { return base::UnauthenticatedError("name or password is wrong"); };
  if (name.empty() || name.size() > 64 || password.size() > 1024) return denied();
  Result<ModeratorAccount> account = store_->GetModerator(name);
  if (!account.ok() && account.status().code() != base::StatusCode::kNotFound) {
    return account.status();
  }
  // An unknown name costs the same argon2id verification as a wrong
  // password (against a hash made at creation with the same limits), so the
  // answer's timing does not tell which moderator names exist.
  const std::string& hash = account.ok() ? account->password_hash : dummy_password_hash_;
  const std::string password_copy(password);  // libsodium wants a C string for the hash only
  password_verifications_.fetch_add(1, std::memory_order_relaxed);
  const bool verified = crypto_pwhash_argon2id_str_verify(hash.c_str(), password_copy.data(),
                                                          password_copy.size()) == 0;
  if (!account.ok() || !verified) return denied();
  const base::Time now = clock_->Now();
  // Housekeeping that needs no schedule: every login sweeps expired sessions.
  COMMENTD_RETURN_IF_ERROR(store_->DeleteExpiredSessions(now));
  LoginResult result;
  result.session_token = RandomToken();
  result.session.token_hash = KeyedHash("session", result.session_token);
  result.session.moderator = account->name;
  result.session.csrf_token = RandomToken();
  result.session.created_at = now;
  result.session.expires_at = now + options_.session_ttl;
  COMMENTD_RETURN_IF_ERROR(store_->InsertSession(result.session));
  return result;
}

Result<Session> CommentService::Authenticate(std::string_view session_token) const {
  if (session_token.empty() || session_token.size() > 256) {
    return base::UnauthenticatedError("no valid session; log in");
  }
  Result<Session> session = store_->GetSession(KeyedHash("session", session_token));
  if (!session.ok()) {
    if (session.status().code() == base::StatusCode::kNotFound) {
      return base::UnauthenticatedError("no valid session; log in");
    }
    return session.status();
  }
  if (session->expires_at <= clock_->Now()) {
    return base::UnauthenticatedError("the session expired; log in again");
  }
  return session;
}

Status CommentService::CheckCsrf(const Session& session, std::string_view csrf_token) {
  if (!ConstantTimeEquals(csrf_token, session.csrf_token)) {
    return base::PermissionDeniedError("X-CSRF-Token: missing or not this session's token");
  }
  return base::OkStatus();
}

Status CommentService::Logout(std::string_view session_token) {
  if (session_token.empty()) return base::OkStatus();
  return store_->DeleteSession(KeyedHash("session", session_token));
}

// --- the shared policy

namespace {

// Size of a policy file a moderator may set; real ones are a few hundred bytes.
constexpr size_t kMaxPolicyBytes = 64 * 1024;

// The policy of a stored revision; its version names the revision too, so
// that each verdict says which revision decided it ("newsroom-2026-11@r3",
// as SetPolicy names it).
Result<moderation::Policy> ParseStoredPolicy(const StoredPolicy& stored) {
  COMMENTD_ASSIGN_OR_RETURN(moderation::Policy policy,
                            moderation::Policy::FromToml(
                                stored.toml, fmt::format("policy revision {}", stored.revision)));
  policy.version = fmt::format("{}@r{}", policy.version, stored.revision);
  return policy;
}

}  // namespace

void CommentService::SetModeratorFactory(ModeratorFactory factory) {
  std::lock_guard<std::mutex> lock(policy_mu_);
  factory_ = std::move(factory);
}

Result<StoredPolicy> CommentService::GetPolicy() const { return store_->GetPolicy(); }

Result<StoredPolicy> CommentService::SetPolicy(std::string_view moderator, std::string_view toml) {
  if (toml.size() > kMaxPolicyBytes) {
    return base::InvalidArgumentError("toml: {} bytes long, at most {} allowed", toml.size(),
                                      kMaxPolicyBytes);
  }
  COMMENTD_RETURN_IF_ERROR(text::ValidateUtf8(toml).WithContext("toml"));
  std::lock_guard<std::mutex> lock(policy_mu_);
  if (!factory_)
    return base::FailedPreconditionError("this node cannot build engines for policies");
  // A policy that does not parse is not stored.
  COMMENTD_ASSIGN_OR_RETURN(moderation::Policy policy, moderation::Policy::FromToml(toml, "toml"));
  const base::Time now = clock_->Now();
  AuditEntry audit{0, now, std::string(moderator), AuditAction::kPolicySet, "", "", ""};
  COMMENTD_ASSIGN_OR_RETURN(StoredPolicy stored, store_->InsertPolicy(toml, moderator, now, audit));
  policy.version = fmt::format("{}@r{}", policy.version, stored.revision);
  COMMENTD_ASSIGN_OR_RETURN(auto engine, factory_(policy));
  SetModerator(std::move(engine));
  policy_revision_ = stored.revision;
  return stored;
}

Result<int64_t> CommentService::RefreshPolicy() {
  COMMENTD_ASSIGN_OR_RETURN(StoredPolicy stored, store_->GetPolicy());
  std::lock_guard<std::mutex> lock(policy_mu_);
  if (stored.revision <= policy_revision_) return policy_revision_;
  if (!factory_)
    return base::FailedPreconditionError("this node cannot build engines for policies");
  COMMENTD_ASSIGN_OR_RETURN(moderation::Policy policy, ParseStoredPolicy(stored));
  COMMENTD_ASSIGN_OR_RETURN(auto engine, factory_(policy));
  SetModerator(std::move(engine));
  policy_revision_ = stored.revision;
  return policy_revision_;
}

}  // namespace commentd::comments
