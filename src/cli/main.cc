// commentd: the comment server and its moderation engine, in one binary.
// This is the only place that wires the modules together (through the
// subcommands of src/cli/).
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"commentd: comments for news publishers, moderated before anyone sees them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "commentd 0.1.0");
  int exit_code = 0;
  commentd::cli::RegisterCheckCommand(app, exit_code);
  commentd::cli::RegisterModerateCommand(app, exit_code);
  commentd::cli::RegisterMigrateCommand(app, exit_code);
  commentd::cli::RegisterModeratorCommand(app, exit_code);
  commentd::cli::RegisterServeCommand(app, exit_code);
  commentd::cli::RegisterTrainCommand(app, exit_code);
  commentd::cli::RegisterEvalCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
