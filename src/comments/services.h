// Services: the comment services of one node, wired together once over one
// Store and Clock. Each piece is its own responsibility; callers take the
// pieces they need (the HTTP Api all of them, `commentd moderator` only
// the accounts).
//   hasher    KeyedHasher      site key and IP key ring: every stored hash
//   policy    PolicyService    the shared policy and the engine built from it
//   comments  CommentService   posting, editing, reporting, thread pages
//   desk      ModerationDesk   queues, actions, revisions, audit, statistics
//   accounts  AccountService   moderator accounts, logins, sessions, CSRF
#pragma once

#include <memory>

#include "base/clock.h"
#include "base/status.h"
#include "comments/account_service.h"
#include "comments/comment_service.h"
#include "comments/keyed_hash.h"
#include "comments/moderation_desk.h"
#include "comments/policy_service.h"
#include "comments/service_options.h"
#include "comments/store.h"
#include "moderation/moderator.h"

namespace commentd::comments {

// Every member is Thread-safe and never null once Create returned it.
struct Services {
  // Loads or creates the site key (in the store) and the IP key file
  // (options.ip_key_file; IpKeyRing::Open's errors, e.g. kPermissionDenied
  // for a file others can read). kInvalidArgument for bad options or a null
  // store or clock; the store's error if it cannot be read. `engine` may be
  // null until policy->SetEngine is called (Post, Edit and Check then fail
  // with kUnavailable).
  static base::Result<Services> Create(std::shared_ptr<Store> store,
                                       std::shared_ptr<const base::Clock> clock,
                                       std::shared_ptr<const moderation::Moderator> engine,
                                       ServiceOptions options = {});

  std::shared_ptr<KeyedHasher> hasher;
  std::shared_ptr<PolicyService> policy;
  std::shared_ptr<CommentService> comments;
  std::shared_ptr<ModerationDesk> desk;
  std::shared_ptr<AccountService> accounts;
};

}  // namespace commentd::comments
