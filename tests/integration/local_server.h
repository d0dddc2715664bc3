// LocalServer: commentd's HTTP server started in the test's own process on
// 127.0.0.1 (port 0) over the comment services, with a client for it, and
// LocalServerTest, the fixture of the suites that run one per test. The
// in-process integration tests (api, access, hostile input, disk full) share
// it; the subprocess tests run the `commentd` binary instead.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.h"
#include "base/status.h"
#include "comments/services.h"
#include "http/server.h"
#include "moderation/moderator.h"
#include "store/sqlite/sqlite_store.h"
#include "tests/integration/http_client.h"

namespace commentd::testing {

// Service options for tests: argon2id at libsodium's minimum cost (the
// stored format is the real one; the seconds are saved).
inline comments::ServiceOptions TestServiceOptions() {
  comments::ServiceOptions options;
  options.password_ops_limit = 1;
  options.password_mem_limit = 8192;
  return options;
}

// The comment services on a new SQLite database at `db_path`.
inline base::Result<comments::Services> SqliteService(
    const std::string& db_path, std::shared_ptr<const base::Clock> clock,
    std::shared_ptr<const moderation::Moderator> engine, comments::ServiceOptions options) {
  COMMENTD_ASSIGN_OR_RETURN(auto store, store::SqliteStore::Create(db_path));
  return comments::Services::Create(std::shared_ptr<comments::Store>(std::move(store)),
                                    std::move(clock), std::move(engine), std::move(options));
}

// A test suite that shares one engine with the built-in policy: building it
// (lexicons, ICU tables) is the slow part of a server fixture, so each
// suite builds it once. `engine_` is null only if the build failed.
class DefaultEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = moderation::Moderator::Create(moderation::Policy::Default());
    if (engine.ok()) engine_ = *engine;
  }
  static void TearDownTestSuite() { engine_.reset(); }
  static inline std::shared_ptr<const moderation::Moderator> engine_;
};

// Owned by one thread (the test's).
class LocalServer {
 public:
  LocalServer() = default;
  ~LocalServer() { Stop(); }

  // Starts the server with `options` (host and port are set here).
  base::Status Start(http::ServerOptions options, comments::Services services,
                     std::shared_ptr<const base::Clock> clock) {
    options.host = "127.0.0.1";
    options.port = 0;
    auto server = http::Server::Start(std::move(options), std::move(services), std::move(clock));
    if (!server.ok()) return server.status();
    server_ = std::move(*server);
    if (server_->port() == 0) return base::InternalError("the server has no port");
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    return base::OkStatus();
  }

  // Drains and stops the server; safe to call twice.
  void Stop() {
    if (server_) server_->Shutdown();
    server_.reset();
    client_.reset();
  }

  // Sends a request; a failure to reach the server fails the test and gives
  // an empty response.
  HttpResponse Send(std::string_view method, std::string_view target, std::string_view body = {},
                    const Headers& headers = {}) const {
    auto r = client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }

  const HttpClient& client() const { return *client_; }
  uint16_t port() const { return server_->port(); }
  const http::Server& server() const { return *server_; }

 private:
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<HttpClient> client_;
};

// A suite whose tests each run a LocalServer over a new SQLite service in a
// temporary directory `dir_`, with the suite's shared built-in engine.
// TearDown stops the server and removes the directory.
class LocalServerTest : public DefaultEngineTest {
 protected:
  // Makes `dir_` and `services_`: the comment services on `dir_`/commentd.db.
  void CreateService(std::shared_ptr<const base::Clock> clock,
                     comments::ServiceOptions options = TestServiceOptions()) {
    ASSERT_NE(engine_, nullptr);
    char tmpl[] = "/tmp/commentd_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto service =
        SqliteService(dir_ + "/commentd.db", std::move(clock), engine_, std::move(options));
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    services_ = std::move(*service);
  }

  // Starts `local_` over `services_`.
  void StartServer(http::ServerOptions options, std::shared_ptr<const base::Clock> clock) {
    const base::Status started = local_.Start(std::move(options), services_, std::move(clock));
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void TearDown() override {
    local_.Stop();
    services_ = {};
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  HttpResponse Send(std::string_view method, std::string_view target, std::string_view body = {},
                    const Headers& headers = {}) {
    return local_.Send(method, target, body, headers);
  }

  std::string dir_;
  comments::Services services_;
  LocalServer local_;
};

}  // namespace commentd::testing
