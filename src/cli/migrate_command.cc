// `commentd migrate --from sqlite:PATH --to postgresql://...`: moves a site
// from its SQLite file to PostgreSQL when it outgrows one node. Every table
// is copied in one transaction and verified (row count and SHA-256 per
// table) before it commits; the target must be empty. Prints one line per
// table:
//   comments      1234 rows  sha256 3f0a...  ok
// Exit status 0 when copied and verified, 1 when the copy failed (no row was
// written), 2 for bad flags. The copier is store/migrate/sqlite_copy.h.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "store/migrate/sqlite_copy.h"

namespace commentd::cli {
namespace {

struct MigrateFlags {
  std::string from;
  std::string to;
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

int Migrate(const MigrateFlags& flags) {
  if (!StartsWith(flags.from, "sqlite:") || flags.from.size() == 7) {
    fmt::print(stderr,
               "commentd migrate: --from must be sqlite:PATH (the SQLite file of the site), got "
               "\"{}\"\n",
               flags.from);
    return 2;
  }
  if (!StartsWith(flags.to, "postgresql://") && !StartsWith(flags.to, "postgres://")) {
    // The URL may hold a password; say what is wrong without echoing it.
    fmt::print(stderr,
               "commentd migrate: --to must be a postgresql://USER@HOST:PORT/DB URL (copying to "
               "SQLite is not supported)\n");
    return 2;
  }
  const std::string path = flags.from.substr(7);
  auto copied = store::CopySqliteToPostgres(path, flags.to);
  if (!copied.ok()) {
    fmt::print(stderr, "commentd migrate: {}\n", copied.status().ToString());
    return 1;
  }
  int64_t total = 0;
  for (const store::TableCopy& t : *copied) {
    fmt::print("{:<12} {:>9} rows  sha256 {}  ok\n", t.table, t.rows, t.checksum);
    total += t.rows;
  }
  fmt::print("copied {} rows from {} and verified every table\n", total, path);
  return 0;
}

}  // namespace

void RegisterMigrateCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<MigrateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Copy a site's data from SQLite into an empty PostgreSQL database");
  cmd->add_option("--from", flags->from, "sqlite:PATH of the site to copy")->required();
  cmd->add_option("--to", flags->to, "postgresql://USER@HOST:PORT/DB to copy into")->required();
  cmd->callback([flags, &exit_code] { exit_code = Migrate(*flags); });
}

}  // namespace commentd::cli
