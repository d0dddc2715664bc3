#include "comments/services.h"

#include "text/normalizer.h"

namespace commentd::comments {

base::Result<Services> Services::Create(std::shared_ptr<Store> store,
                                        std::shared_ptr<const base::Clock> clock,
                                        std::shared_ptr<const moderation::Moderator> engine,
                                        ServiceOptions options) {
  if (store == nullptr) return base::InvalidArgumentError("store: must not be null");
  if (clock == nullptr) return base::InvalidArgumentError("clock: must not be null");
  Services s;
  COMMENTD_ASSIGN_OR_RETURN(s.hasher, KeyedHasher::Create(*store, clock, options));
  COMMENTD_ASSIGN_OR_RETURN(s.accounts, AccountService::Create(store, clock, s.hasher, options));
  COMMENTD_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::Create());
  auto shared_normalizer = std::make_shared<const text::Normalizer>(std::move(normalizer));
  s.policy = std::make_shared<PolicyService>(store, clock, std::move(engine));
  s.desk = std::make_shared<ModerationDesk>(store, clock, shared_normalizer, options);
  COMMENTD_ASSIGN_OR_RETURN(
      s.comments, CommentService::Create(std::move(store), std::move(clock), s.policy, s.hasher,
                                         std::move(shared_normalizer), std::move(options)));
  return s;
}

}  // namespace commentd::comments
