#include "cli/engine_loader.h"

namespace commentd::cli {

base::Result<std::shared_ptr<const moderation::Moderator>> LoadEngine(
    const EngineOptions& options) {
  moderation::Policy policy = moderation::Policy::Default();
  if (!options.policy_path.empty()) {
    COMMENTD_ASSIGN_OR_RETURN(policy, moderation::Policy::FromFile(options.policy_path));
  }
  moderation::Classifiers classifiers;
  return moderation::Moderator::Create(std::move(policy), std::move(classifiers));
}

}  // namespace commentd::cli
