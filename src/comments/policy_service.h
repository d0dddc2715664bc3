// PolicyService: the moderation policy shared by every node through the
// Store, and the engine (moderation::Moderator) built from it that this node
// runs. "Engine" here always means the moderation::Moderator; the people who
// moderate are ModeratorAccounts (AccountService, ModerationDesk).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "base/clock.h"
#include "base/mutex.h"
#include "base/status.h"
#include "comments/comment.h"
#include "comments/store.h"
#include "moderation/moderator.h"

namespace commentd::comments {

// Thread-safe. The Store and Clock must outlive it (held by shared_ptr).
class PolicyService {
 public:
  // `engine` may be null until SetEngine is called (CommentService's Post,
  // Edit and Check then fail with kUnavailable).
  PolicyService(std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
                std::shared_ptr<const moderation::Moderator> engine);

  // The engine in force; null when none is loaded. Callers keep the
  // returned pointer for the whole of one request, so a swap never changes
  // the engine under a half-moderated comment.
  std::shared_ptr<const moderation::Moderator> engine() const EXCLUDES(engine_mu_);
  // Swaps the engine whole (e.g. after a policy reload); later calls use it.
  void SetEngine(std::shared_ptr<const moderation::Moderator> engine) EXCLUDES(engine_mu_);

  // Builds the engine for a policy (with this node's classifiers). Set by
  // `commentd serve`; without it SetPolicy and RefreshPolicy fail with
  // kFailedPrecondition.
  using EngineFactory = std::function<base::Result<std::shared_ptr<const moderation::Moderator>>(
      const moderation::Policy&)>;
  void SetEngineFactory(EngineFactory factory) EXCLUDES(policy_mu_);

  // The newest revision in the store; revision 0 when none was ever set
  // (each node then runs its --policy file or the built-in policy).
  base::Result<StoredPolicy> GetPolicy() const;
  // Checks `toml` (kInvalidArgument naming line and key, and nothing is
  // stored), stores it as the next revision with an audit entry naming
  // `actor` (a moderator account), and puts it in force here at once; other
  // nodes follow at their next RefreshPolicy.
  base::Result<StoredPolicy> SetPolicy(std::string_view actor, std::string_view toml)
      EXCLUDES(policy_mu_, engine_mu_);
  // Puts the store's newest revision in force when this node runs an older
  // one; returns the revision in force (0: none from the store).
  base::Result<int64_t> RefreshPolicy() EXCLUDES(policy_mu_, engine_mu_);

 private:
  // Builds the engine for `policy` and puts it in force as `revision`.
  base::Status Install(const moderation::Policy& policy, int64_t revision) REQUIRES(policy_mu_)
      EXCLUDES(engine_mu_);

  const std::shared_ptr<Store> store_;
  const std::shared_ptr<const base::Clock> clock_;

  mutable base::Mutex engine_mu_;
  std::shared_ptr<const moderation::Moderator> engine_ GUARDED_BY(engine_mu_);

  // Serializes SetPolicy and RefreshPolicy (an engine build takes a while,
  // and must not hold up readers of engine()).
  base::Mutex policy_mu_;
  EngineFactory factory_ GUARDED_BY(policy_mu_);
  int64_t policy_revision_ GUARDED_BY(policy_mu_) = 0;  // in force here
};

}  // namespace commentd::comments
