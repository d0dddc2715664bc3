#include "comments/moderation_desk.h"

#include "comments/request_checks.h"

namespace commentd::comments {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

}  // namespace

ModerationDesk::ModerationDesk(std::shared_ptr<Store> store,
                               std::shared_ptr<const base::Clock> clock,
                               std::shared_ptr<const text::Normalizer> normalizer,
                               const ServiceOptions& options)
    : store_(std::move(store)),
      clock_(std::move(clock)),
      normalizer_(std::move(normalizer)),
      max_page_size_(options.max_page_size),
      max_action_ids_(options.max_action_ids),
      max_reason_bytes_(options.max_reason_bytes) {}

base::Result<Page<Comment>> ModerationDesk::ListQueue(Queue queue, int limit,
                                                      std::string_view after) const {
  COMMENTD_RETURN_IF_ERROR(ValidateLimit(limit, max_page_size_));
  COMMENTD_ASSIGN_OR_RETURN(std::optional<Cursor> cursor, DecodeAfter(after));
  return store_->ListQueue(queue, cursor, limit);
}

base::Result<CommentRevisions> ModerationDesk::ListRevisions(std::string_view id) const {
  // The comment first: every revision it can name is then in the list.
  base::Result<Comment> comment = store_->GetComment(id);
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

ActionResult ModerationDesk::ActOne(const ActRequest& request, const std::string& id) {
  const base::Time now = clock_->Now();
  const auto seen = request.revisions.find(id);
  bool stale = false;
  base::Result<Comment> updated =
      store_->UpdateComment(id, [&](Comment& c) -> base::Result<CommentUpdateEffects> {
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
            base::Result<std::string> key = normalizer_->NameKey(TrimAsciiSpace(c.author.name));
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

base::Result<std::vector<ActionResult>> ModerationDesk::Act(const ActRequest& request) {
  if (request.comment_ids.empty()) {
    return base::InvalidArgumentError("comment_ids: name at least one comment");
  }
  if (static_cast<int>(request.comment_ids.size()) > max_action_ids_) {
    return base::InvalidArgumentError("comment_ids: {} ids, at most {} allowed",
                                      request.comment_ids.size(), max_action_ids_);
  }
  COMMENTD_RETURN_IF_ERROR(ValidateReason(request.reason, max_reason_bytes_));
  for (const auto& [id, revision] : request.revisions) {
    if (revision < 1) {
      return base::InvalidArgumentError("revisions[{}]: must be 1 or more, got {}",
                                        id.substr(0, 64), revision);
    }
  }
  base::Result<ModeratorAccount> account = store_->GetModerator(request.moderator);
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

base::Result<Page<AuditEntry>> ModerationDesk::ListAudit(int limit, std::string_view after) const {
  COMMENTD_RETURN_IF_ERROR(ValidateLimit(limit, max_page_size_));
  COMMENTD_ASSIGN_OR_RETURN(std::optional<Cursor> cursor, DecodeAfter(after));
  return store_->ListAudit(cursor, limit);
}

base::Result<std::vector<DayStats>> ModerationDesk::Stats(int days) const {
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

}  // namespace commentd::comments
