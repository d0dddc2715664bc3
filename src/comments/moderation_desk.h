// ModerationDesk: what the people who moderate (ModeratorAccounts) do with
// comments: read the queues, a comment's revisions, the audit log and the
// daily statistics, and act (approve, delete, restore, ban). Every action is
// written to the audit log in the same transaction as the change. The
// engine's side of moderation is moderation::Moderator (PolicyService).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "comments/comment.h"
#include "comments/service_options.h"
#include "comments/store.h"
#include "text/normalizer.h"

namespace commentd::comments {

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

// Thread-safe. The Store, Clock and Normalizer must outlive it (held by shared_ptr).
class ModerationDesk {
 public:
  ModerationDesk(std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
                 std::shared_ptr<const text::Normalizer> normalizer, const ServiceOptions& options);

  // kInvalidArgument for a limit outside 1..max_page_size or a bad cursor.
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

 private:
  ActionResult ActOne(const ActRequest& request, const std::string& id);

  const std::shared_ptr<Store> store_;
  const std::shared_ptr<const base::Clock> clock_;
  const std::shared_ptr<const text::Normalizer> normalizer_;  // ban keys (NameKey)
  const int max_page_size_;
  const int max_action_ids_;
  const size_t max_reason_bytes_;
};

}  // namespace commentd::comments
