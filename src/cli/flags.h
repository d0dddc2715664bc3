// Flags that several subcommands share, declared once.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/engine_loader.h"

namespace commentd::cli {

// Adds --policy FILE and --models DIR to `command`, filling `options`.
// The default models directory is ./models when it exists.
void AddEngineFlags(CLI::App& command, EngineOptions& options);

}  // namespace commentd::cli
