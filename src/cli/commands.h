// The subcommands of the `commentd` binary. Each Register* function adds its
// subcommand to `app`; the subcommand's callback stores its exit status in
// `exit_code` (0 ok, 1 some input was bad, 2 usage or setup error).
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string_view>

#include "base/status.h"

namespace commentd::cli {

// For the offline commands (train, eval): 0 when `status` is OK; else prints
// "commentd COMMAND: STATUS" to stderr and returns 2 when the input or setup
// was wrong (kInvalidArgument, kNotFound), 1 otherwise.
inline int ReportStatus(std::string_view command, const base::Status& status) {
  if (status.ok()) return 0;
  fmt::print(stderr, "commentd {}: {}\n", command, status.ToString());
  return status.code() == base::StatusCode::kInvalidArgument ||
                 status.code() == base::StatusCode::kNotFound
             ? 2
             : 1;
}

void RegisterCheckCommand(CLI::App& app, int& exit_code);
void RegisterModerateCommand(CLI::App& app, int& exit_code);
void RegisterMigrateCommand(CLI::App& app, int& exit_code);
void RegisterModeratorCommand(CLI::App& app, int& exit_code);
void RegisterServeCommand(CLI::App& app, int& exit_code);
void RegisterTrainCommand(CLI::App& app, int& exit_code);
void RegisterEvalCommand(CLI::App& app, int& exit_code);

}  // namespace commentd::cli
