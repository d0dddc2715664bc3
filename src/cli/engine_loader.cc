#include "cli/engine_loader.h"

#include <filesystem>

#include "cli/flags.h"
#include "moderation/fasttext_classifier.h"

namespace commentd::cli {

base::Result<std::shared_ptr<const moderation::Moderator>> LoadEngine(
    const EngineOptions& options) {
  moderation::Policy policy = moderation::Policy::Default();
  if (!options.policy_path.empty()) {
    COMMENTD_ASSIGN_OR_RETURN(policy, moderation::Policy::FromFile(options.policy_path));
  }
  moderation::Classifiers classifiers;
  if (!options.models_dir.empty()) {
    // Each model is optional; a present but unreadable one is an error.
    const std::filesystem::path dir(options.models_dir);
    std::error_code ec;
    if (std::filesystem::exists(dir / "advertisement.ftz", ec)) {
      COMMENTD_ASSIGN_OR_RETURN(
          classifiers.advertisement,
          moderation::FastTextClassifier::Create((dir / "advertisement.ftz").string()));
    }
    if (std::filesystem::exists(dir / "inappropriate_language.ftz", ec)) {
      COMMENTD_ASSIGN_OR_RETURN(
          classifiers.inappropriate_language,
          moderation::FastTextClassifier::Create((dir / "inappropriate_language.ftz").string()));
    }
  }
  return moderation::Moderator::Create(std::move(policy), std::move(classifiers));
}

void AddEngineFlags(CLI::App& command, EngineOptions& options) {
  if (std::filesystem::is_directory("models")) options.models_dir = "models";
  command
      .add_option("--policy", options.policy_path,
                  "Policy file (TOML); default: the publisher's rule")
      ->check(CLI::ExistingFile);
  command.add_option("--models", options.models_dir, "Directory of trained classifier models")
      ->check(CLI::ExistingDirectory);
}

}  // namespace commentd::cli
