// Builds the moderation engine the way every subcommand and the server use it:
// the policy (a TOML file, or the built-in publisher's rule) plus the trained
// classifiers found in a models directory.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "moderation/moderator.h"

namespace commentd::cli {

struct EngineOptions {
  std::string policy_path;  // empty: moderation::Policy::Default()
  std::string models_dir;   // empty: rules only
};

// kInvalidArgument naming the file for a bad policy; kInternal if the engine
// cannot initialize.
base::Result<std::shared_ptr<const moderation::Moderator>> LoadEngine(const EngineOptions& options);

}  // namespace commentd::cli
