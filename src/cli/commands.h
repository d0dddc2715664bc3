// The subcommands of the `commentd` binary. Each Register* function adds its
// subcommand to `app`; the subcommand's callback stores its exit status in
// `exit_code` (0 ok, 1 some input was bad, 2 usage or setup error).
#pragma once

#include <CLI/CLI.hpp>

namespace commentd::cli {

void RegisterCheckCommand(CLI::App& app, int& exit_code);
void RegisterModerateCommand(CLI::App& app, int& exit_code);
void RegisterMigrateCommand(CLI::App& app, int& exit_code);
void RegisterModeratorCommand(CLI::App& app, int& exit_code);
void RegisterServeCommand(CLI::App& app, int& exit_code);
void RegisterTrainCommand(CLI::App& app, int& exit_code);
void RegisterEvalCommand(CLI::App& app, int& exit_code);

}  // namespace commentd::cli
