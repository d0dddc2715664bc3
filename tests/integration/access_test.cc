// Access control and abuse, over real sockets against an in-process server
// (FakeClock, so expiry and refill are tested without waiting):
//  - every route of the router table (Api::Routes()) that is not listed here
//    as public answers 401 without a session and, for writes, 403 without
//    the CSRF token, so a new moderator route cannot be forgotten;
//  - sessions expire; login attempts are rate limited per address;
//  - a flood from one address gets 429 while another address posts;
//  - a banned author is refused from a new address and with old edit tokens;
//  - security headers on every static file and API answer;
//  - passwords appear in no output, log, metric, audit entry or database
//    file of the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "comments/services.h"
#include "http/api.h"
#include "http/server.h"
#include "moderation/moderator.h"
#include "tests/integration/http_client.h"
#include "tests/integration/local_server.h"
#include "tests/integration/test_support.h"

namespace commentd::http {
// web/ embedded into commentd_http (src/http/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> WebFiles();
}  // namespace commentd::http

namespace commentd {
namespace {

using nlohmann::json;
using testing::Headers;
using testing::HttpResponse;
using testing::RawConnection;
using testing::RawRequest;

constexpr char kModName[] = "editor";
constexpr char kModPassword[] = "Tr0ub4dor&3-correct-horse";
constexpr auto kSessionTtl = std::chrono::hours(1);

// Routes anyone may call without a moderator session, each with why.
const std::set<std::pair<std::string, std::string>> kPublicRoutes = {
    {"GET", "/healthz"},                           // load balancer probe
    {"GET", "/metrics"},                           // loopback or metrics_token (docs/security.md)
    {"GET", "/api/v1/threads/:thread/comments"},   // readers
    {"POST", "/api/v1/threads/:thread/comments"},  // writers (rate limited)
    {"POST", "/api/v1/check"},                     // writers preview (rate limited)
    {"PATCH", "/api/v1/comments/:id"},             // writer, with the edit token
    {"DELETE", "/api/v1/comments/:id"},            // writer, with the edit token
    {"POST", "/api/v1/comments/:id/report"},       // readers (rate limited)
    {"GET", "/api/v1/counts"},                     // readers
    {"POST", "/api/v1/auth/login"},                // rate limited per address
    {"POST", "/api/v1/auth/logout"},               // ends the cookie's own session only
};

class AccessTest : public testing::LocalServerTest {
 protected:
  void SetUp() override { Start(/*rate_limit=*/false); }

  void Start(bool rate_limit) {
    clock_ = std::make_shared<base::FakeClock>(base::Time(std::chrono::seconds(1795000000)));
    comments::ServiceOptions service_options = testing::TestServiceOptions();
    service_options.session_ttl = kSessionTtl;
    ASSERT_NO_FATAL_FAILURE(CreateService(clock_, service_options));
    ASSERT_TRUE(services_.accounts->AddAccount(kModName, kModPassword).ok());
    options_.port = 0;
    options_.threads = 2;
    options_.api.rate_limit = rate_limit;
    options_.api.session_ttl = kSessionTtl;
    options_.api.post_per_ip = {3, 6};
    options_.api.post_per_author = {3, 6};
    options_.api.login_per_ip = {5, 5};
    options_.api.thread_cache_ttl = std::chrono::milliseconds(0);
    StartServer(options_, clock_);
  }

  // A request from another loopback address (another "client IP").
  testing::RawReply SendFrom(const std::string& ip, std::string_view method,
                             std::string_view target, std::string_view body = {},
                             std::string_view extra_headers = {}) {
    RawConnection conn(local_.port(), ip);
    EXPECT_TRUE(conn.connected()) << "cannot connect from " << ip;
    conn.Send(RawRequest(method, target, body, "application/json", extra_headers));
    return conn.Read();
  }

  HttpResponse Login(std::string_view password = kModPassword) {
    return Send("POST", "/api/v1/auth/login",
                json{{"name", kModName}, {"password", password}}.dump());
  }

  // The cookie and CSRF token of a fresh session.
  std::pair<std::string, std::string> Session() {
    const HttpResponse r = Login();
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string set_cookie = r.Header("Set-Cookie");
    const json j = r.Json();
    return {set_cookie.substr(0, set_cookie.find(';')),
            j.is_object() ? j.value("csrf_token", "") : ""};
  }

  std::string PostComment(std::string_view author, std::string_view text) {
    const HttpResponse r =
        Send("POST", "/api/v1/threads/t/comments", json{{"author", author}, {"text", text}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const json j = r.Json();
    return j.is_object() && j.contains("comment") ? j["comment"].value("id", "") : "";
  }

  std::vector<http::Route> Routes() {
    http::Api api(options_.api, services_, clock_, std::make_shared<http::Metrics>());
    return api.Routes();
  }

  static std::string Fill(const std::string& pattern, const std::string& id) {
    std::string out = pattern;
    for (const auto& [param, value] : std::vector<std::pair<std::string, std::string>>{
             {":thread", "t"}, {":id", id}, {":queue", "held"}}) {
      const size_t at = out.find(param);
      if (at != std::string::npos) out.replace(at, param.size(), value);
    }
    return out;
  }

  static void ExpectError(const HttpResponse& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    const json j = r.Json();
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    EXPECT_EQ(j["error"].value("code", ""), code) << r.body;
  }

  http::ServerOptions options_;
  std::shared_ptr<base::FakeClock> clock_;
};

TEST_F(AccessTest, EveryRouteNotListedAsPublicNeedsASessionAndWritesNeedCsrf) {
  const std::string id = PostComment("Reader", "A comment the moderator routes can act on.");
  const auto [cookie, csrf] = Session();
  const std::string body = json{{"action", "approve"}, {"comment_ids", {id}}}.dump();
  int protected_routes = 0;
  std::set<std::pair<std::string, std::string>> seen_public;
  for (const http::Route& route : Routes()) {
    SCOPED_TRACE(route.method + " " + route.pattern);
    const std::pair<std::string, std::string> key{route.method, route.pattern};
    if (kPublicRoutes.count(key) != 0) {
      seen_public.insert(key);
      continue;
    }
    ++protected_routes;
    const std::string target = Fill(route.pattern, id);
    const bool write = route.method != "GET";
    const std::string payload = write ? body : "";
    ExpectError(Send(route.method, target, payload), 401, "unauthenticated");
    ExpectError(Send(route.method, target, payload, {{"Cookie", "commentd_session=forged"}}), 401,
                "unauthenticated");
    if (write) {
      ExpectError(Send(route.method, target, payload, {{"Cookie", cookie}}), 403,
                  "permission_denied");
      ExpectError(Send(route.method, target, payload,
                       {{"Cookie", cookie}, {"X-CSRF-Token", "not-the-token"}}),
                  403, "permission_denied");
    }
    const HttpResponse allowed =
        Send(route.method, target, payload, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    EXPECT_NE(allowed.status, 401) << allowed.body;
    EXPECT_NE(allowed.status, 403) << allowed.body;
  }
  EXPECT_GE(protected_routes, 5) << "the moderator routes were not found in the router table";
  // A public route removed from the table must be removed from the list too.
  EXPECT_EQ(seen_public, kPublicRoutes);
}

TEST_F(AccessTest, SessionsExpireAfterTheirTtl) {
  const auto [cookie, csrf] = Session();
  const Headers session = {{"Cookie", cookie}};
  EXPECT_EQ(Send("GET", "/api/v1/auth/me", {}, session).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/mod/queues/held", {}, session).status, 200);
  clock_->Advance(kSessionTtl - std::chrono::seconds(1));
  EXPECT_EQ(Send("GET", "/api/v1/auth/me", {}, session).status, 200);
  clock_->Advance(std::chrono::seconds(2));
  ExpectError(Send("GET", "/api/v1/auth/me", {}, session), 401, "unauthenticated");
  ExpectError(Send("GET", "/api/v1/mod/queues/held", {}, session), 401, "unauthenticated");
  // The cookie's Max-Age says the same to the browser.
  EXPECT_NE(Login().Header("Set-Cookie").find("Max-Age=3600"), std::string::npos);
}

TEST_F(AccessTest, LogoutEndsTheSessionOnTheServer) {
  const auto [cookie, csrf] = Session();
  EXPECT_EQ(Send("POST", "/api/v1/auth/logout", {}, {{"Cookie", cookie}}).status, 204);
  ExpectError(Send("GET", "/api/v1/auth/me", {}, {{"Cookie", cookie}}), 401, "unauthenticated");
}

class RateLimitedAccessTest : public AccessTest {
 protected:
  void SetUp() override { Start(/*rate_limit=*/true); }
};

TEST_F(RateLimitedAccessTest, PasswordGuessingIsLimitedPerAddress) {
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    ExpectError(Login(fmt::format("guess-{}", i)), 401, "unauthenticated");
  }
  // Over the limit even the right password is refused: guessing gains nothing.
  const HttpResponse limited = Login();
  ExpectError(limited, 429, "resource_exhausted");
  EXPECT_FALSE(limited.Header("Retry-After").empty());
  // Another address is not affected.
  const testing::RawReply other =
      SendFrom("127.0.0.2", "POST", "/api/v1/auth/login",
               json{{"name", kModName}, {"password", kModPassword}}.dump());
  EXPECT_EQ(other.status, 200) << other.body;
  // The limit refills with time.
  clock_->Advance(std::chrono::minutes(1));
  EXPECT_EQ(Login().status, 200);
}

TEST_F(RateLimitedAccessTest, FloodFromOneAddressGets429WhileAnotherAddressPosts) {
  int accepted = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    const HttpResponse r =
        Send("POST", "/api/v1/threads/t/comments",
             json{{"author", fmt::format("Flooder{}", i)},
                  {"text", fmt::format("Flood message number {} from one address.", i)}}
                 .dump());
    if (r.status == 201) ++accepted;
    if (r.status == 429) {
      ++limited;
      EXPECT_FALSE(r.Header("Retry-After").empty());
    }
  }
  EXPECT_EQ(accepted, 3) << "the burst";
  EXPECT_EQ(limited, 17);
  // A second reader at the normal rate is not affected by the flood.
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const testing::RawReply r =
        SendFrom("127.0.0.2", "POST", "/api/v1/threads/t/comments",
                 json{{"author", "Calm reader"},
                      {"text", fmt::format("A calm comment, number {} of three.", i)}}
                     .dump());
    EXPECT_EQ(r.status, 201) << r.body;
  }
}

TEST_F(AccessTest, BannedAuthorIsRefusedFromANewAddressSessionOrEditToken) {
  // The spammer posts twice from 127.0.0.3 and keeps both edit tokens.
  std::vector<json> posts;
  for (int i = 0; i < 2; ++i) {
    const testing::RawReply r =
        SendFrom("127.0.0.3", "POST", "/api/v1/threads/t/comments",
                 json{{"author", "Spammer"},
                      {"text", fmt::format("Innocent-looking comment {} before the ban.", i)}}
                     .dump());
    ASSERT_EQ(r.status, 201) << r.body;
    posts.push_back(json::parse(r.body));
  }
  const auto [cookie, csrf] = Session();
  const HttpResponse ban =
      Send("POST", "/api/v1/mod/actions",
           json{{"action", "ban"}, {"comment_ids", {posts[0]["comment"]["id"]}}, {"reason", "spam"}}
               .dump(),
           {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_EQ(ban.status, 200) << ban.body;
  ASSERT_EQ(ban.Json()["results"][0]["ok"], true) << ban.body;

  const std::string post =
      json{{"author", "Spammer"}, {"text", "Back again after the ban."}}.dump();
  // Same name from a new address with no cookies at all.
  testing::RawReply r = SendFrom("127.0.0.4", "POST", "/api/v1/threads/t/comments", post);
  EXPECT_EQ(r.status, 403) << r.body;
  // A new name from the banned address.
  r = SendFrom(
      "127.0.0.3", "POST", "/api/v1/threads/t/comments",
      json{{"author", "Totally New Person"}, {"text", "Nothing to see here, honest."}}.dump());
  EXPECT_EQ(r.status, 403) << r.body;
  // The other comment's edit token, from yet another address.
  r = SendFrom("127.0.0.5", "PATCH",
               "/api/v1/comments/" + posts[1]["comment"]["id"].get<std::string>(),
               json{{"text", "Edited into an advertisement."}}.dump(),
               "X-Edit-Token: " + posts[1]["edit_token"].get<std::string>() + "\r\n");
  EXPECT_EQ(r.status, 403) << r.body;
  // Someone else from another address is fine.
  r = SendFrom("127.0.0.6", "POST", "/api/v1/threads/t/comments",
               json{{"author", "Neighbour"}, {"text", "An ordinary reader's comment."}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
}

// The headers every response must carry, and for HTML the strict CSP.
void ExpectSecurityHeaders(const HttpResponse& r, bool html) {
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(r.Header("Referrer-Policy").empty());
  const std::string csp = r.Header("Content-Security-Policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  if (html) {
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;
  } else {
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  }
}

TEST_F(AccessTest, EveryStaticFileAndApiAnswerCarriesSecurityHeaders) {
  int files = 0;
  for (const auto& [name, content] : http::WebFiles()) {
    const std::string path = "/" + std::string(name);
    SCOPED_TRACE(path);
    const HttpResponse r = Send("GET", path);
    EXPECT_EQ(r.status, 200);
    const bool html = path.size() > 5 && path.substr(path.size() - 5) == ".html";
    ExpectSecurityHeaders(r, html);
    if (html) {
      // The strict CSP blocks inline code, so the pages must have none.
      EXPECT_EQ(r.body.find("<script>"), std::string::npos);
      EXPECT_EQ(r.body.find(" style=\""), std::string::npos);
      EXPECT_EQ(r.body.find(" onclick="), std::string::npos);
    }
    ++files;
  }
  EXPECT_GE(files, 5);
  ExpectSecurityHeaders(Send("GET", "/dashboard/"), /*html=*/true);

  const std::string id = PostComment("Reader", "Comment for the header sample.");
  const auto [cookie, csrf] = Session();
  const Headers session = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  for (const http::Route& route : Routes()) {
    if (route.method != "GET") continue;
    SCOPED_TRACE(route.pattern);
    ExpectSecurityHeaders(Send("GET", Fill(route.pattern, id), {}, session), false);
  }
  // Errors too.
  ExpectSecurityHeaders(Send("GET", "/api/v1/nope"), false);
  ExpectSecurityHeaders(Send("GET", "/api/v1/mod/audit"), false);
  ExpectSecurityHeaders(Send("POST", "/api/v1/check", "{"), false);
}

// The real binary: the moderator's password is typed into `commentd moderator
// add`, then used to log in (also a wrong one). Neither may appear in the
// processes' output, /metrics, the audit log, or the database files.
TEST(PasswordTest, PasswordsAppearInNoOutputMetricAuditEntryOrDatabaseFile) {
  if (!std::filesystem::exists(testing::kCommentdBinary)) {
    GTEST_SKIP() << "commentd binary not built: " << testing::kCommentdBinary;
  }
  char tmpl[] = "/tmp/commentd_password_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string db = dir + "/commentd.db";
  const std::string password = "Secret-Passphrase-7f3a9c";
  const std::string wrong = "Wrong-Passphrase-b81e44";

  const std::string add_out = dir + "/add.out";
  const std::string command =
      fmt::format("printf '%s\\n' '{}' | {} moderator add nightdesk --db {} >{} 2>&1", password,
                  testing::kCommentdBinary, db, add_out);
  ASSERT_EQ(std::system(command.c_str()), 0);

  std::string server_output;
  {
    const std::string log = dir + "/serve.log";
    // The server's stdout and stderr both go to one file through a shell.
    const pid_t pid = fork();
    if (pid == 0) {
      const std::string sh = fmt::format("exec {} serve --listen 127.0.0.1:0 --db {} >{} 2>&1",
                                         testing::kCommentdBinary, db, log);
      execl("/bin/sh", "sh", "-c", sh.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    uint16_t port = 0;
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          std::ifstream in(log);
          std::string line;
          std::getline(in, line);
          const std::string prefix = "commentd listening on http://127.0.0.1:";
          if (line.rfind(prefix, 0) != 0) return false;
          port = static_cast<uint16_t>(std::stoi(line.substr(prefix.size())));
          return true;
        },
        std::chrono::seconds(30)));
    testing::HttpClient client("127.0.0.1", port);
    auto bad = client.Send("POST", "/api/v1/auth/login",
                           json{{"name", "nightdesk"}, {"password", wrong}}.dump());
    ASSERT_TRUE(bad.ok());
    EXPECT_EQ(bad->status, 401);
    auto good = client.Send("POST", "/api/v1/auth/login",
                            json{{"name", "nightdesk"}, {"password", password}}.dump());
    ASSERT_TRUE(good.ok());
    ASSERT_EQ(good->status, 200) << good->body;
    const std::string set_cookie = good->Header("Set-Cookie");
    const Headers session = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
    auto audit = client.Send("GET", "/api/v1/mod/audit", {}, session);
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->status, 200);
    auto metrics = client.Send("GET", "/metrics");
    ASSERT_TRUE(metrics.ok());
    server_output += audit->body + metrics->body + good->body + bad->body;
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    std::ifstream in(log);
    std::stringstream s;
    s << in.rdbuf();
    // The capture works: the server's own lines are in it.
    EXPECT_NE(s.str().find("commentd listening on"), std::string::npos) << s.str();
    EXPECT_NE(s.str().find("SIGTERM"), std::string::npos) << s.str();
    server_output += s.str();
  }
  std::ifstream add_in(add_out);
  std::stringstream add_text;
  add_text << add_in.rdbuf();
  EXPECT_NE(add_text.str().find("added moderator nightdesk"), std::string::npos) << add_text.str();
  server_output += add_text.str();
  // Every file the store wrote (database, WAL, shared memory).
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("commentd.db", 0) != 0) continue;
    std::ifstream f(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << f.rdbuf();
    server_output += bytes.str();
  }
  EXPECT_NE(server_output.find("nightdesk"), std::string::npos) << "the account is in the files";
  EXPECT_EQ(server_output.find(password), std::string::npos) << "the password leaked";
  EXPECT_EQ(server_output.find(wrong), std::string::npos) << "a wrong password leaked";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace commentd
