// `commentd moderator add|list|remove`: the moderator accounts of a
// database. `add NAME` reads the password from stdin (one line; with echo
// off when stdin is a terminal) so it never shows up in shell history or
// the process list, and stores only its argon2id hash.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "base/clock.h"
#include "cli/commands.h"
#include "comments/account_service.h"
#include "comments/keyed_hash.h"
#include "store/sqlite/sqlite_store.h"

namespace commentd::cli {
namespace {

struct ModeratorOptions {
  std::string db = "var/commentd.db";
  std::string name;
};

// Exit status for a failed call: 1 when the input was at fault, 2 for setup.
int ExitCodeFor(const base::Status& status) {
  switch (status.code()) {
    case base::StatusCode::kInvalidArgument:
    case base::StatusCode::kAlreadyExists:
    case base::StatusCode::kNotFound:
      return 1;
    default:
      return 2;
  }
}

base::Result<std::unique_ptr<comments::AccountService>> OpenAccounts(const std::string& db) {
  // The default var/commentd.db should work in a fresh checkout.
  const std::filesystem::path parent = std::filesystem::path(db).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  COMMENTD_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store,
                            store::SqliteStore::Create(db));
  // Accounts need only the store and the site key (sessions are hashed with it).
  auto shared_store = std::shared_ptr<comments::Store>(std::move(store));
  auto clock = std::make_shared<base::SystemClock>();
  const comments::ServiceOptions options;
  COMMENTD_ASSIGN_OR_RETURN(std::shared_ptr<const comments::KeyedHasher> hasher,
                            comments::KeyedHasher::Create(*shared_store, clock, options));
  return comments::AccountService::Create(std::move(shared_store), std::move(clock),
                                          std::move(hasher), options);
}

// One line from stdin without its line ending. Echo is off while a person types it.
base::Result<std::string> ReadPassword() {
  const bool tty = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::fputs("Password: ", stderr);
    std::fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputs("\n", stderr);
  }
  if (!got && line.empty()) return base::InvalidArgumentError("password: nothing on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

template <typename Body>
void RunWith(const char* what, const std::shared_ptr<ModeratorOptions>& options, int& exit_code,
             Body body) {
  auto accounts = OpenAccounts(options->db);
  if (!accounts.ok()) {
    fmt::print(stderr, "commentd moderator {}: {}\n", what, accounts.status().ToString());
    exit_code = 2;
    return;
  }
  const base::Status status = body(**accounts);
  if (!status.ok()) {
    fmt::print(stderr, "commentd moderator {}: {}\n", what, status.ToString());
    exit_code = ExitCodeFor(status);
    return;
  }
  exit_code = 0;
}

}  // namespace

void RegisterModeratorCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("moderator", "Manage moderator accounts");
  cmd->require_subcommand(1);
  auto options = std::make_shared<ModeratorOptions>();
  const auto add_db = [&](CLI::App* sub) {
    sub->add_option("--db", options->db, "SQLite database file")->capture_default_str();
  };

  CLI::App* add = cmd->add_subcommand("add", "Create an account; the password is read from stdin");
  add->add_option("name", options->name, "Account name: [A-Za-z0-9._-]{1,64}")->required();
  add_db(add);
  add->callback([options, &exit_code] {
    RunWith("add", options, exit_code, [&](comments::AccountService& service) -> base::Status {
      COMMENTD_ASSIGN_OR_RETURN(std::string password, ReadPassword());
      COMMENTD_RETURN_IF_ERROR(service.AddAccount(options->name, password, "cli"));
      fmt::print("added moderator {}\n", options->name);
      return base::OkStatus();
    });
  });

  CLI::App* list = cmd->add_subcommand("list", "List accounts: name and creation time");
  add_db(list);
  list->callback([options, &exit_code] {
    RunWith("list", options, exit_code, [&](comments::AccountService& service) -> base::Status {
      COMMENTD_ASSIGN_OR_RETURN(auto accounts, service.ListAccounts());
      for (const comments::ModeratorAccount& a : accounts) {
        fmt::print("{}\t{}\n", a.name, base::FormatRfc3339(a.created_at));
      }
      return base::OkStatus();
    });
  });

  CLI::App* remove = cmd->add_subcommand("remove", "Delete an account and end its sessions");
  remove->add_option("name", options->name, "Account name")->required();
  add_db(remove);
  remove->callback([options, &exit_code] {
    RunWith("remove", options, exit_code, [&](comments::AccountService& service) -> base::Status {
      COMMENTD_RETURN_IF_ERROR(service.RemoveAccount(options->name, "cli"));
      fmt::print("removed moderator {}\n", options->name);
      return base::OkStatus();
    });
  });
}

}  // namespace commentd::cli
