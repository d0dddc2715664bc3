// Test support for anything that needs a PostgreSQL server (the store tests
// here, tests/postgres): the server comes from env COMMENTD_TEST_PG_URL
// (tests/postgres/cluster.sh start prints one), and each test gets its own
// schema in that database so that tests running at once never see each
// other's rows. Header-only; link PkgConfig::PQ.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace commentd::store::testing {

inline constexpr char kPgUrlEnv[] = "COMMENTD_TEST_PG_URL";

// The test server's URL, or empty when the variable is unset.
inline std::string TestPgUrl() {
  const char* url = std::getenv(kPgUrlEnv);
  return url != nullptr ? url : "";
}

inline std::string SkipMessage() {
  return fmt::format(
      "{} is not set: start a throwaway server with `tests/postgres/cluster.sh start` and export "
      "{}=$(tests/postgres/cluster.sh url) (./dev test does both)",
      kPgUrlEnv, kPgUrlEnv);
}

// Runs `sql` on a fresh plain connection to `url`; returns the first column
// of the first row ("" when there is none), or the server's error.
inline base::Result<std::string> PgQuery(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return base::UnavailableError("cannot connect: {}", PQerrorMessage(conn.get()));
  }
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PGresult, void (*)(PGresult*)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
  const ExecStatusType st = PQresultStatus(res.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    return base::InternalError("{}: {}", sql, PQresultErrorMessage(res.get()));
  }
  if (st == PGRES_TUPLES_OK && PQntuples(res.get()) > 0 && PQnfields(res.get()) > 0) {
    return std::string(PQgetvalue(res.get(), 0, 0));
  }
  return std::string();
}

// `url` with `key=value` added to its query (URL form) or appended
// (key=value form); `value` must not need quoting.
inline std::string WithParam(const std::string& url, std::string_view key, std::string_view value) {
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    std::string encoded;
    for (char c : value) {
      if (c == '=') {
        encoded += "%3D";
      } else if (c == ' ') {
        encoded += "%20";
      } else {
        encoded += c;
      }
    }
    return fmt::format("{}{}{}={}", url, url.find('?') == std::string::npos ? '?' : '&', key,
                       encoded);
  }
  return fmt::format("{} {}='{}'", url, key, value);
}

// A fresh, empty schema in the test database, dropped with this object;
// url() connects with it as the search_path, so tables are created there.
// Owned by one thread.
class PgSchema {
 public:
  explicit PgSchema(std::string_view tag) {
    static std::atomic<int> counter{0};
    name_ = fmt::format("t_{}_{}_{}", tag, getpid(), counter.fetch_add(1));
    const std::string base = TestPgUrl();
    if (base.empty()) return;
    auto made =
        PgQuery(base, fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", name_));
    if (!made.ok()) {
      error_ = made.status().ToString();
      return;
    }
    url_ = WithParam(base, "options", "-csearch_path=" + name_);
  }
  ~PgSchema() {
    if (!url_.empty()) (void)PgQuery(TestPgUrl(), fmt::format("DROP SCHEMA {} CASCADE", name_));
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  // Empty when the server is not configured or the schema could not be made.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  const std::string& error() const { return error_; }

 private:
  std::string name_;
  std::string url_;
  std::string error_;
};

// Skips every test of the binary when no server is configured. Register
// with ::testing::AddGlobalTestEnvironment.
class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (TestPgUrl().empty()) GTEST_SKIP() << SkipMessage();
    auto ok = PgQuery(TestPgUrl(), "SELECT 1");
    ASSERT_TRUE(ok.ok()) << kPgUrlEnv
                         << " is set but the server does not answer: " << ok.status().ToString();
  }
};

}  // namespace commentd::store::testing
