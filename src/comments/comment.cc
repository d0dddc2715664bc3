#include "comments/comment.h"

#include <array>
#include <charconv>
#include <utility>

namespace commentd::comments {
namespace {

template <typename E, size_t N>
base::Result<E> ParseName(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view name, std::string_view what) {
  for (const auto& [value, spelling] : names) {
    if (spelling == name) return value;
  }
  std::string expected;
  for (const auto& [value, spelling] : names) {
    if (!expected.empty()) expected += "|";
    expected += spelling;
  }
  return base::InvalidArgumentError("{}: unknown value \"{}\" (expected {})", what, name, expected);
}

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, spelling] : names) {
    if (v == value) return spelling;
  }
  return "unknown";
}

constexpr std::array<std::pair<CommentState, std::string_view>, 3> kStateNames = {{
    {CommentState::kPublished, "published"},
    {CommentState::kHeld, "held"},
    {CommentState::kDeleted, "deleted"},
}};

constexpr std::array<std::pair<Queue, std::string_view>, 4> kQueueNames = {{
    {Queue::kHeld, "held"},
    {Queue::kDeleted, "deleted"},
    {Queue::kReported, "reported"},
    {Queue::kPublished, "published"},
}};

constexpr std::array<std::pair<ModAction, std::string_view>, 4> kActionNames = {{
    {ModAction::kApprove, "approve"},
    {ModAction::kDelete, "delete"},
    {ModAction::kRestore, "restore"},
    {ModAction::kBan, "ban"},
}};

constexpr std::array<std::pair<AuditAction, std::string_view>, 9> kAuditActionNames = {{
    {AuditAction::kApprove, "approve"},
    {AuditAction::kDelete, "delete"},
    {AuditAction::kRestore, "restore"},
    {AuditAction::kBan, "ban"},
    {AuditAction::kAuthorEdit, "author_edit"},
    {AuditAction::kAuthorDelete, "author_delete"},
    {AuditAction::kModeratorAdd, "moderator_add"},
    {AuditAction::kModeratorRemove, "moderator_remove"},
    {AuditAction::kPolicySet, "policy_set"},
}};

constexpr std::array<std::pair<SortOrder, std::string_view>, 2> kSortNames = {{
    {SortOrder::kOldest, "oldest"},
    {SortOrder::kNewest, "newest"},
}};

constexpr std::string_view kCursorPrefix = "k1.";

bool IsThreadKeyByte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '~' || c == ':' || c == '/' || c == '-';
}

}  // namespace

std::string_view CommentStateName(CommentState state) { return NameOf(kStateNames, state); }
base::Result<CommentState> ParseCommentState(std::string_view name) {
  return ParseName(kStateNames, name, "state");
}

std::string_view QueueName(Queue queue) { return NameOf(kQueueNames, queue); }
base::Result<Queue> ParseQueue(std::string_view name) {
  return ParseName(kQueueNames, name, "queue");
}

std::string_view ModActionName(ModAction action) { return NameOf(kActionNames, action); }
base::Result<ModAction> ParseModAction(std::string_view name) {
  return ParseName(kActionNames, name, "action");
}

std::string_view AuditActionName(AuditAction action) { return NameOf(kAuditActionNames, action); }
base::Result<AuditAction> ParseAuditAction(std::string_view name) {
  return ParseName(kAuditActionNames, name, "audit action");
}

base::Result<SortOrder> ParseSortOrder(std::string_view name) {
  return ParseName(kSortNames, name, "sort");
}

base::Status ValidateThreadKey(std::string_view key, std::string_view field) {
  if (key.empty()) return base::InvalidArgumentError("{}: must not be empty", field);
  if (key.size() > 200) {
    return base::InvalidArgumentError("{}: {} bytes long, at most 200 allowed", field, key.size());
  }
  for (size_t i = 0; i < key.size(); ++i) {
    if (!IsThreadKeyByte(key[i])) {
      return base::InvalidArgumentError(
          "{}: byte {} (0x{:02x}) is not allowed; use [A-Za-z0-9._~:/-]", field, i,
          static_cast<unsigned char>(key[i]));
    }
  }
  return base::OkStatus();
}

std::string Comment::DecidedByName() const {
  switch (decided_by) {
    case DecidedBy::kEngine:
      return "engine";
    case DecidedBy::kAuthor:
      return "author";
    case DecidedBy::kModerator:
      return decided_by_moderator;
  }
  return "engine";
}

Revision CurrentRevisionOf(const Comment& comment) {
  Revision r;
  r.comment_id = comment.id;
  r.number = comment.revision;
  r.text = comment.text;
  r.lang = comment.lang;
  r.engine_decision = comment.engine_decision;
  r.reasons = comment.reasons;
  r.policy_version = comment.policy_version;
  r.created_at = comment.edited_at.value_or(comment.created_at);
  r.became_current = true;
  return r;
}

std::string Cursor::Encode() const { return fmt::format("{}{:x}", kCursorPrefix, seq); }

base::Result<Cursor> Cursor::Decode(std::string_view encoded, std::string_view field) {
  const auto bad = [&] {
    return base::InvalidArgumentError("{}: \"{}\" is not a cursor this server issued", field,
                                      encoded.substr(0, 64));
  };
  if (encoded.substr(0, kCursorPrefix.size()) != kCursorPrefix) return bad();
  const std::string_view digits = encoded.substr(kCursorPrefix.size());
  if (digits.empty() || digits.size() > 15) return bad();
  Cursor cursor;
  const auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), cursor.seq, 16);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || cursor.seq <= 0) return bad();
  // Only lowercase hex round-trips through Encode.
  if (cursor.Encode() != encoded) return bad();
  return cursor;
}

}  // namespace commentd::comments
