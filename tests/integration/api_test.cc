// Drives every route of the HTTP API over real sockets against an in-process
// Server on port 0, backed by a SqliteStore in a temporary directory and a
// FakeClock (so the edit window and rate limits are tested without sleeps).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "comments/services.h"
#include "http/server.h"
#include "moderation/moderator.h"
#include "tests/integration/http_client.h"
#include "tests/integration/local_server.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::EncodePathSegment;
using testing::Headers;
using testing::HttpResponse;

constexpr char kThread[] = "news/2026/helong:workers";
constexpr char kOrigin[] = "https://news.example.com";
constexpr char kModName[] = "editor";
constexpr char kModPassword[] = "correct horse battery";

std::string ThreadPath(std::string_view thread = kThread) {
  return "/api/v1/threads/" + EncodePathSegment(thread) + "/comments";
}

class ApiTest : public ::testing::Test {
 protected:
  // Building the engine compiles the lexicons; once per suite is enough, and
  // the engine is immutable, so the tests cannot affect each other through it.
  static void SetUpTestSuite() {
    // Links are held rather than deleted here, so that one engine shows all
    // three outcomes: plain text publishes, a link holds, strong profanity deletes.
    moderation::Policy policy = moderation::Policy::Default();
    policy.link.action = moderation::Decision::kHold;
    auto engine = moderation::Moderator::Create(policy);
    if (engine.ok()) engine_ = *engine;
  }
  static void TearDownTestSuite() { engine_.reset(); }
  static inline std::shared_ptr<const moderation::Moderator> engine_;

  void SetUp() override { Start(/*rate_limit=*/false); }

  void TearDown() override {
    local_.Stop();
    services_ = {};
    std::filesystem::remove_all(dir_);
  }

  void Start(bool rate_limit, std::vector<std::string> trusted_proxies = {}) {
    char tmpl[] = "/tmp/commentd_api_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_NE(engine_, nullptr);
    clock_ = std::make_shared<base::FakeClock>(base::Time(std::chrono::seconds(1795000000)));
    comments::ServiceOptions service_options = testing::TestServiceOptions();
    service_options.max_text_bytes = 2000;
    auto service = testing::SqliteService(dir_ + "/commentd.db", clock_, engine_, service_options);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    services_ = std::move(*service);
    ASSERT_TRUE(services_.accounts->AddAccount(kModName, kModPassword).ok());

    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.allowed_origins = {kOrigin};
    options.max_body_bytes = 4096;
    options.api.rate_limit = rate_limit;
    options.api.post_per_ip = {2, 6};
    options.api.post_per_author = {2, 6};
    auto trusted = http::TrustedProxies::Create(trusted_proxies);
    ASSERT_TRUE(trusted.ok()) << trusted.status().ToString();
    options.trusted_proxies = std::move(*trusted);
    const base::Status started = local_.Start(options, services_, clock_);
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  HttpResponse Send(std::string_view method, std::string_view target, std::string_view body = {},
                    const Headers& headers = {}) {
    return local_.Send(method, target, body, headers);
  }

  HttpResponse Post(std::string_view author, std::string_view text, std::string extra = "") {
    json body = {{"author", author}, {"text", text}};
    if (!extra.empty()) body.update(json::parse(extra));
    return Send("POST", ThreadPath(), body.dump());
  }

  // Logs in and remembers the cookie and CSRF token.
  void Login() {
    HttpResponse r = Send("POST", "/api/v1/auth/login",
                          json{{"name", kModName}, {"password", kModPassword}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string set_cookie = r.Header("Set-Cookie");
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    csrf_ = r.Json()["csrf_token"];
  }

  Headers Session(bool with_csrf = true) const {
    Headers h = {{"Cookie", cookie_}};
    if (with_csrf) h.emplace_back("X-CSRF-Token", csrf_);
    return h;
  }

  // Everything readers and moderators can list, to prove a refused request
  // changed nothing.
  std::string Snapshot() {
    if (cookie_.empty()) Login();
    std::string out = Send("GET", ThreadPath()).body;
    for (const char* q : {"held", "deleted", "reported", "published"}) {
      out += Send("GET", std::string("/api/v1/mod/queues/") + q, {}, Session()).body;
    }
    out += Send("GET", "/api/v1/mod/audit", {}, Session()).body;
    return out;
  }

  void ExpectError(const HttpResponse& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    json j = r.Json();
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
  }

  std::string dir_;
  std::shared_ptr<base::FakeClock> clock_;
  comments::Services services_;
  testing::LocalServer local_;
  std::string cookie_;
  std::string csrf_;
};

TEST_F(ApiTest, HealthzAnswersOk) {
  HttpResponse r = Send("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json(), json({{"status", "ok"}}));
}

TEST_F(ApiTest, UnknownThreadIsAnEmptyPage) {
  HttpResponse r = Send("GET", ThreadPath("no-comments-yet"));
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["thread"], "no-comments-yet");
  EXPECT_EQ(j["counts"]["published"], 0);
  EXPECT_EQ(j["comments"], json::array());
  EXPECT_TRUE(j["next_cursor"].is_null());
}

TEST_F(ApiTest, PublishedCommentIsListedWithNestedReply) {
  HttpResponse first = Post("Reader", "Thanks for the careful reporting.");
  ASSERT_EQ(first.status, 201) << first.body;
  json j = first.Json();
  EXPECT_EQ(j["status"], "published");
  EXPECT_FALSE(j["edit_token"].get<std::string>().empty());
  const std::string id = j["comment"]["id"];
  EXPECT_EQ(id.substr(0, 2), "c_");
  EXPECT_EQ(j["comment"]["author"], "Reader");
  EXPECT_TRUE(j["comment"]["parent_id"].is_null());

  HttpResponse reply = Post("Second", "I agree with this.", json{{"parent_id", id}}.dump());
  ASSERT_EQ(reply.status, 201) << reply.body;

  json page = Send("GET", ThreadPath()).Json();
  EXPECT_EQ(page["thread"], kThread);
  EXPECT_EQ(page["counts"]["published"], 2);
  ASSERT_EQ(page["comments"].size(), 1u);
  EXPECT_EQ(page["comments"][0]["id"], id);
  EXPECT_EQ(page["comments"][0]["text"], "Thanks for the careful reporting.");
  EXPECT_EQ(page["comments"][0]["state"], "published");
  ASSERT_EQ(page["comments"][0]["replies"].size(), 1u);
  EXPECT_EQ(page["comments"][0]["replies"][0]["author"], "Second");
  EXPECT_EQ(page["comments"][0]["replies"][0]["parent_id"], id);
}

TEST_F(ApiTest, CommentStoredByAnotherServerAppearsAfterTheCacheTtl) {
  // A thread with comments (an unknown thread's empty page is not cached).
  ASSERT_EQ(Post("Reader", "Posted through this server.").status, 201);
  ASSERT_EQ(Send("GET", ThreadPath()).Json()["counts"]["published"], 1);
  comments::PostRequest req;  // as if posted through another node sharing the database
  req.thread = kThread;
  req.author = "Elsewhere";
  req.text = "Posted through another server.";
  ASSERT_TRUE(services_.comments->Post(req).ok());
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["counts"]["published"], 1) << "page is cached";
  clock_->Advance(std::chrono::seconds(1));
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["counts"]["published"], 2);
}

TEST_F(ApiTest, PagesThroughTopLevelCommentsWithCursor) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Post("Reader", fmt::format("Comment {}", i)).status, 201);
  json p1 = Send("GET", ThreadPath() + "?limit=2&sort=newest").Json();
  ASSERT_EQ(p1["comments"].size(), 2u);
  EXPECT_EQ(p1["comments"][0]["text"], "Comment 2");
  ASSERT_TRUE(p1["next_cursor"].is_string());
  json p2 = Send("GET", ThreadPath() + "?limit=2&sort=newest&after=" +
                            EncodePathSegment(p1["next_cursor"].get<std::string>()))
                .Json();
  ASSERT_EQ(p2["comments"].size(), 1u);
  EXPECT_EQ(p2["comments"][0]["text"], "Comment 0");
  EXPECT_TRUE(p2["next_cursor"].is_null());
}

TEST_F(ApiTest, LinkIsHeldWithReasonByteOffsets) {
  const std::string text = "Details at https://example.org/page now";
  HttpResponse r = Post("Linker", text);
  ASSERT_EQ(r.status, 202) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["status"], "held");
  EXPECT_FALSE(j["edit_token"].get<std::string>().empty());
  EXPECT_FALSE(j["message"].get<std::string>().empty());
  ASSERT_FALSE(j["reasons"].empty());
  json reason = j["reasons"][0];
  EXPECT_EQ(reason["rule"], "link");
  const size_t start = reason["start"], end = reason["end"];
  ASSERT_LE(end, text.size());
  EXPECT_EQ(text.substr(start, end - start), reason["match"].get<std::string>());
  // Held comments are not shown to readers.
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["comments"], json::array());
}

TEST_F(ApiTest, ProfanityIsDeletedWithMessageInWritersLanguage) {
  HttpResponse en = Post("Rude", "what the fuck is this");
  ASSERT_EQ(en.status, 422) << en.body;
  json j = en.Json();
  EXPECT_EQ(j["status"], "deleted");
  EXPECT_TRUE(j["comment_id"].is_string());
  EXPECT_FALSE(j.contains("edit_token"));
  EXPECT_EQ(j["reasons"][0]["rule"], "inappropriate_language");
  HttpResponse ko =
      Send("POST", ThreadPath(), json{{"author", "Rude"}, {"text", "what the fuck is this"}}.dump(),
           {{"Accept-Language", "ko-KR,ko;q=0.9"}});
  ASSERT_EQ(ko.status, 422);
  EXPECT_NE(ko.Json()["message"], j["message"]) << "Korean message expected: " << ko.body;
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["counts"]["published"], 0);
}

TEST_F(ApiTest, CheckDecidesWithoutStoring) {
  HttpResponse r = Send("POST", "/api/v1/check", json{{"text", "what the fuck"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["decision"], "delete");
  EXPECT_EQ(j["reasons"][0]["rule"], "inappropriate_language");
  EXPECT_TRUE(j["scores"].is_object());
  EXPECT_TRUE(j["policy_version"].is_string());
  EXPECT_FALSE(j["message"].get<std::string>().empty());
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["comments"], json::array());
}

TEST_F(ApiTest, BadRequestsGetJsonErrorsAndChangeNothing) {
  ASSERT_EQ(Post("Reader", "A first comment.").status, 201);
  const std::string before = Snapshot();
  const std::string long_text(2001, 'a');
  const struct {
    const char* name;
    std::string method;
    std::string target;
    std::string body;
    int status;
    const char* code;
  } kCases[] = {
      {"malformed JSON", "POST", ThreadPath(), "{\"author\": \"x\", ", 400, "invalid_argument"},
      {"not an object", "POST", ThreadPath(), "[\"x\"]", 400, "invalid_argument"},
      {"empty body", "POST", ThreadPath(), "", 400, "invalid_argument"},
      {"text not a string", "POST", ThreadPath(), R"({"author":"x","text":5})", 400,
       "invalid_argument"},
      {"author missing", "POST", ThreadPath(), R"({"text":"hello"})", 400, "invalid_argument"},
      {"invalid UTF-8", "POST", ThreadPath(), "{\"author\":\"x\",\"text\":\"bad \xc3\x28\"}", 400,
       "invalid_argument"},
      {"empty text", "POST", ThreadPath(), R"({"author":"x","text":"   "})", 400,
       "invalid_argument"},
      {"comment too long", "POST", ThreadPath(), json{{"author", "x"}, {"text", long_text}}.dump(),
       400, "invalid_argument"},
      {"oversize body", "POST", ThreadPath(),
       json{{"author", "x"}, {"text", std::string(5000, 'b')}}.dump(), 413, "payload_too_large"},
      {"bad thread key", "POST", ThreadPath("bad key!"), R"({"author":"x","text":"hi"})", 400,
       "invalid_argument"},
      {"unknown parent", "POST", ThreadPath(),
       R"({"author":"x","text":"hi","parent_id":"c_aaaaaaaaaaaaaaaaaaaa"})", 400,
       "invalid_argument"},
      {"bad lang", "POST", ThreadPath(), R"({"author":"x","text":"hi","lang":"fr"})", 400,
       "invalid_argument"},
      {"bad limit", "GET", ThreadPath() + "?limit=abc", "", 400, "invalid_argument"},
      {"limit out of range", "GET", ThreadPath() + "?limit=0", "", 400, "invalid_argument"},
      {"bad sort", "GET", ThreadPath() + "?sort=random", "", 400, "invalid_argument"},
      {"bad cursor", "GET", ThreadPath() + "?after=garbage", "", 400, "invalid_argument"},
      {"unknown route", "GET", "/api/v1/nothing", "", 404, "not_found"},
      {"wrong method", "PUT", ThreadPath(), "{}", 404, "not_found"},
      {"unknown static", "GET", "/no-such-page.html", "", 404, "not_found"},
      {"counts without threads", "GET", "/api/v1/counts", "", 400, "invalid_argument"},
      {"report unknown comment", "POST", "/api/v1/comments/c_aaaaaaaaaaaaaaaaaaaa/report",
       R"({"reason":"spam"})", 404, "not_found"},
      {"check wrong type", "POST", "/api/v1/check", R"({"text":["a"]})", 400, "invalid_argument"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    ExpectError(Send(c.method, c.target, c.body), c.status, c.code);
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(ApiTest, EditAndDeleteNeedTheEditTokenWithinTheWindow) {
  json posted = Post("Writer", "Fist version.").Json();
  const std::string id = posted["comment"]["id"];
  const std::string token = posted["edit_token"];
  const std::string path = "/api/v1/comments/" + id;
  const std::string before = Snapshot();

  ExpectError(Send("PATCH", path, R"({"text":"x"})"), 403, "permission_denied");
  ExpectError(Send("PATCH", path, R"({"text":"x"})", {{"X-Edit-Token", "wrong"}}), 403,
              "permission_denied");
  ExpectError(Send("DELETE", path, {}, {{"X-Edit-Token", "wrong"}}), 403, "permission_denied");
  ExpectError(Send("PATCH", path, R"({"text":7})", {{"X-Edit-Token", token}}), 400,
              "invalid_argument");
  ExpectError(Send("PATCH", "/api/v1/comments/c_aaaaaaaaaaaaaaaaaaaa", R"({"text":"x"})",
                   {{"X-Edit-Token", token}}),
              404, "not_found");
  EXPECT_EQ(Snapshot(), before);

  HttpResponse edited =
      Send("PATCH", path, R"({"text":"First version."})", {{"X-Edit-Token", token}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.Json()["status"], "published");
  json page = Send("GET", ThreadPath()).Json();
  EXPECT_EQ(page["comments"][0]["text"], "First version.");
  EXPECT_TRUE(page["comments"][0]["edited_at"].is_string());

  HttpResponse held =
      Send("PATCH", path, R"({"text":"see https://example.org"})", {{"X-Edit-Token", token}});
  ASSERT_EQ(held.status, 202) << held.body;
  // The held edit waits as a revision; readers keep the published one.
  page = Send("GET", ThreadPath()).Json();
  EXPECT_EQ(page["counts"]["published"], 1);
  EXPECT_EQ(page["comments"][0]["text"], "First version.");

  clock_->Advance(std::chrono::minutes(16));
  ExpectError(Send("PATCH", path, R"({"text":"late"})", {{"X-Edit-Token", token}}), 409,
              "failed_precondition");
  ExpectError(Send("DELETE", path, {}, {{"X-Edit-Token", token}}), 409, "failed_precondition");
}

// Issue 12 finding 0, over HTTP: the writer hears the refusal (422 or 202),
// readers keep the published text, moderators see every revision, and a
// restore cannot publish the refused text.
TEST_F(ApiTest, RefusedEditLeavesThePublishedCommentAndIsListedAsARevision) {
  json posted = Post("Writer", "The port reopened on Monday.").Json();
  const std::string id = posted["comment"]["id"];
  const Headers token = {{"X-Edit-Token", posted["edit_token"].get<std::string>()}};
  const std::string path = "/api/v1/comments/" + id;

  HttpResponse deleted = Send("PATCH", path, R"({"text":"The port reopened, fuck them."})", token);
  ASSERT_EQ(deleted.status, 422) << deleted.body;
  EXPECT_EQ(deleted.Json()["status"], "deleted");
  EXPECT_FALSE(deleted.Json()["reasons"].empty());
  EXPECT_NE(deleted.Json()["message"].get<std::string>().find("Your edit was not applied"),
            std::string::npos)
      << deleted.body;
  HttpResponse held =
      Send("PATCH", path, R"({"text":"Details at https://example.org/port"})", token);
  ASSERT_EQ(held.status, 202) << held.body;
  EXPECT_EQ(held.Json()["status"], "held");

  json page = Send("GET", ThreadPath()).Json();
  EXPECT_EQ(page["counts"]["published"], 1);
  ASSERT_EQ(page["comments"].size(), 1u);
  EXPECT_EQ(page["comments"][0]["text"], "The port reopened on Monday.");
  EXPECT_TRUE(page["comments"][0]["edited_at"].is_null());

  Login();
  json published = Send("GET", "/api/v1/mod/queues/published", {}, Session(false)).Json();
  ASSERT_EQ(published["comments"].size(), 1u);
  EXPECT_EQ(published["comments"][0]["text"], "The port reopened on Monday.");
  EXPECT_EQ(published["comments"][0]["revision"], 1);
  HttpResponse listed =
      Send("GET", "/api/v1/mod/comments/" + id + "/revisions", {}, Session(false));
  ASSERT_EQ(listed.status, 200) << listed.body;
  json revisions = listed.Json()["revisions"];
  EXPECT_EQ(listed.Json()["comment"]["revision"], 1);
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ(revisions[0]["revision"], 1);
  EXPECT_EQ(revisions[0]["current"], true);
  EXPECT_EQ(revisions[0]["became_current"], true);
  EXPECT_EQ(revisions[1]["text"], "The port reopened, fuck them.");
  EXPECT_EQ(revisions[1]["engine_decision"], "delete");
  EXPECT_EQ(revisions[1]["became_current"], false);
  EXPECT_EQ(revisions[1]["current"], false);
  EXPECT_EQ(revisions[2]["engine_decision"], "hold");
  EXPECT_EQ(revisions[2]["reasons"][0]["rule"], "link");
  ExpectError(
      Send("GET", "/api/v1/mod/comments/c_aaaaaaaaaaaaaaaaaaaa/revisions", {}, Session(false)), 404,
      "not_found");

  json audit = Send("GET", "/api/v1/mod/audit", {}, Session(false)).Json();
  EXPECT_EQ(audit["entries"][0]["action"], "author_edit");
  EXPECT_EQ(audit["entries"][0]["reason"], "refused: hold; revision 1 stays published");

  // Delete, then restore: what comes back is the text the moderator saw.
  auto act = [&](std::string_view action, int64_t revision) {
    return Send(
        "POST", "/api/v1/mod/actions",
        json{{"action", action}, {"comment_ids", {id}}, {"revisions", {{id, revision}}}}.dump(),
        Session());
  };
  ASSERT_EQ(act("delete", 1).status, 200);
  ExpectError(act("restore", 3), 409, "failed_precondition");
  HttpResponse restored = act("restore", 1);
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(restored.Json()["results"][0]["ok"], true);
  page = Send("GET", ThreadPath()).Json();
  ASSERT_EQ(page["comments"].size(), 1u);
  EXPECT_EQ(page["comments"][0]["text"], "The port reopened on Monday.");
}

// Issue 12 finding 9, over HTTP: an action naming the revision the moderator
// saw conflicts (409) when the comment was edited since, and changes nothing.
TEST_F(ApiTest, ApproveOfACommentEditedSinceIsAConflictAndLeavesItHeld) {
  json posted = Post("Linker", "Sources: https://example.org/a").Json();
  ASSERT_EQ(posted["status"], "held");
  const std::string id = posted["comment_id"];
  const std::string other = Post("Linker2", "Sources: https://example.org/b").Json()["comment_id"];
  Login();
  json queue = Send("GET", "/api/v1/mod/queues/held", {}, Session(false)).Json();
  ASSERT_EQ(queue["comments"].size(), 2u);
  EXPECT_EQ(queue["comments"][1]["id"], id);
  EXPECT_EQ(queue["comments"][1]["revision"], 1);
  // The writer edits after the moderator loaded the queue; still held.
  HttpResponse edited = Send("PATCH", "/api/v1/comments/" + id,
                             R"({"text":"Now the source is https://other.example.net"})",
                             {{"X-Edit-Token", posted["edit_token"].get<std::string>()}});
  ASSERT_EQ(edited.status, 202) << edited.body;

  const std::string before = Snapshot();
  const auto approve = [&](std::vector<std::string> ids, json revisions) {
    return Send("POST", "/api/v1/mod/actions",
                json{{"action", "approve"}, {"comment_ids", ids}, {"revisions", revisions}}.dump(),
                Session());
  };
  ExpectError(approve({id}, {{id, 1}}), 409, "failed_precondition");
  ExpectError(approve({id}, {{id, 0}}), 400, "invalid_argument");
  ExpectError(approve({id}, {{id, "2"}}), 400, "invalid_argument");
  ExpectError(approve({id}, json::array({2})), 400, "invalid_argument");
  EXPECT_EQ(Snapshot(), before);
  // Among several ids, the stale one fails by itself and is marked stale.
  HttpResponse mixed = approve({id, other}, {{id, 1}, {other, 1}});
  ASSERT_EQ(mixed.status, 200) << mixed.body;
  EXPECT_EQ(mixed.Json()["results"][0]["ok"], false);
  EXPECT_EQ(mixed.Json()["results"][0]["code"], "failed_precondition");
  EXPECT_EQ(mixed.Json()["results"][0]["stale"], true);
  EXPECT_EQ(mixed.Json()["results"][1]["ok"], true);

  json held = Send("GET", "/api/v1/mod/queues/held", {}, Session(false)).Json();
  ASSERT_EQ(held["comments"].size(), 1u);
  EXPECT_EQ(held["comments"][0]["id"], id);
  EXPECT_EQ(held["comments"][0]["revision"], 2);
  EXPECT_EQ(held["comments"][0]["text"], "Now the source is https://other.example.net");

  HttpResponse ok = approve({id}, {{id, 2}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["results"][0], json({{"id", id}, {"ok", true}, {"revision", 2}}));
  json page = Send("GET", ThreadPath()).Json();
  EXPECT_EQ(page["counts"]["published"], 2);
  bool shown = false;
  for (const json& c : page["comments"]) {
    if (c["id"] == id) shown = c["text"] == "Now the source is https://other.example.net";
  }
  EXPECT_TRUE(shown) << page.dump();
}

TEST_F(ApiTest, AuthorDeleteHidesTheComment) {
  json posted = Post("Writer", "Short lived.").Json();
  const std::string path = "/api/v1/comments/" + posted["comment"]["id"].get<std::string>();
  HttpResponse r = Send("DELETE", path, {}, {{"X-Edit-Token", posted["edit_token"]}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["comments"], json::array());
}

TEST_F(ApiTest, ReportPutsCommentInReportedQueue) {
  const std::string id = Post("Writer", "Report me.").Json()["comment"]["id"];
  HttpResponse r = Send("POST", "/api/v1/comments/" + id + "/report", R"({"reason":"off topic"})");
  EXPECT_EQ(r.status, 202) << r.body;
  Login();
  json queue = Send("GET", "/api/v1/mod/queues/reported", {}, Session()).Json();
  ASSERT_EQ(queue["comments"].size(), 1u);
  EXPECT_EQ(queue["comments"][0]["id"], id);
  EXPECT_EQ(queue["comments"][0]["reports"], 1);
}

TEST_F(ApiTest, CountsCoverEveryRequestedThread) {
  ASSERT_EQ(Post("Reader", "One.").status, 201);
  HttpResponse r = Send("GET", "/api/v1/counts?threads=" + EncodePathSegment(kThread) + ",other");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["counts"], json({{kThread, 1}, {"other", 0}}));
}

TEST_F(ApiTest, ModeratorApiNeedsSessionAndCsrf) {
  const std::string held_id = Post("Linker", "go to https://example.org").Json()["comment_id"];
  ExpectError(Send("GET", "/api/v1/mod/queues/held"), 401, "unauthenticated");
  ExpectError(Send("GET", "/api/v1/auth/me"), 401, "unauthenticated");
  ExpectError(Send("GET", "/api/v1/mod/queues/held", {}, {{"Cookie", "commentd_session=forged"}}),
              401, "unauthenticated");
  ExpectError(
      Send("POST", "/api/v1/auth/login", json{{"name", kModName}, {"password", "nope"}}.dump()),
      401, "unauthenticated");
  ExpectError(Send("POST", "/api/v1/auth/login", R"({"name":"editor"})"), 400, "invalid_argument");

  HttpResponse login = Send("POST", "/api/v1/auth/login",
                            json{{"name", kModName}, {"password", kModPassword}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string cookie = login.Header("Set-Cookie");
  EXPECT_EQ(cookie.rfind("commentd_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(login.Json()["moderator"], kModName);
  cookie_ = cookie.substr(0, cookie.find(';'));
  csrf_ = login.Json()["csrf_token"];

  json me = Send("GET", "/api/v1/auth/me", {}, Session(false)).Json();
  EXPECT_EQ(me["moderator"], kModName);
  EXPECT_EQ(me["csrf_token"], csrf_);

  json held = Send("GET", "/api/v1/mod/queues/held", {}, Session(false)).Json();
  ASSERT_EQ(held["comments"].size(), 1u);
  EXPECT_EQ(held["comments"][0]["id"], held_id);
  EXPECT_EQ(held["comments"][0]["state"], "held");
  EXPECT_EQ(held["comments"][0]["decided_by"], "engine");
  EXPECT_EQ(held["comments"][0]["thread"], kThread);
  EXPECT_EQ(held["comments"][0]["reasons"][0]["rule"], "link");
  EXPECT_EQ(held["comments"][0]["revision"], 1);
  ExpectError(Send("GET", "/api/v1/mod/queues/nonsense", {}, Session()), 404, "not_found");

  const std::string approve = json{{"action", "approve"}, {"comment_ids", {held_id}}}.dump();
  const std::string before = Snapshot();
  ExpectError(Send("POST", "/api/v1/mod/actions", approve, {{"X-CSRF-Token", csrf_}}), 401,
              "unauthenticated");
  ExpectError(Send("POST", "/api/v1/mod/actions", approve, Session(false)), 403,
              "permission_denied");
  ExpectError(Send("POST", "/api/v1/mod/actions", approve,
                   {{"Cookie", cookie_}, {"X-CSRF-Token", "not-the-token"}}),
              403, "permission_denied");
  ExpectError(
      Send("POST", "/api/v1/mod/actions", R"({"action":"promote","comment_ids":["x"]})", Session()),
      400, "invalid_argument");
  ExpectError(
      Send("POST", "/api/v1/mod/actions", R"({"action":"approve","comment_ids":"x"})", Session()),
      400, "invalid_argument");
  EXPECT_EQ(Snapshot(), before);

  HttpResponse acted = Send("POST", "/api/v1/mod/actions",
                            json{{"action", "approve"},
                                 {"comment_ids", {held_id, "c_aaaaaaaaaaaaaaaaaaaa"}},
                                 {"reason", "link is fine"}}
                                .dump(),
                            Session());
  ASSERT_EQ(acted.status, 200) << acted.body;
  json results = acted.Json()["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0], json({{"id", held_id}, {"ok", true}, {"revision", 1}}));
  EXPECT_EQ(results[1]["ok"], false);
  EXPECT_TRUE(results[1]["error"].is_string());
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["comments"][0]["id"], held_id);

  json audit = Send("GET", "/api/v1/mod/audit", {}, Session(false)).Json();
  ASSERT_FALSE(audit["entries"].empty());
  EXPECT_EQ(audit["entries"][0]["action"], "approve");
  EXPECT_EQ(audit["entries"][0]["moderator"], kModName);
  EXPECT_EQ(audit["entries"][0]["comment_id"], held_id);
  EXPECT_EQ(audit["entries"][0]["reason"], "link is fine");

  json stats = Send("GET", "/api/v1/mod/stats?days=7", {}, Session(false)).Json();
  ASSERT_EQ(stats["days"].size(), 7u);
  EXPECT_EQ(stats["days"][6]["hold"], 1);
  EXPECT_EQ(stats["days"][6]["by_rule"]["link"], 1);
  ExpectError(Send("GET", "/api/v1/mod/stats?days=0", {}, Session()), 400, "invalid_argument");

  HttpResponse logout = Send("POST", "/api/v1/auth/logout", {}, Session());
  EXPECT_EQ(logout.status, 204);
  EXPECT_NE(logout.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  ExpectError(Send("GET", "/api/v1/auth/me", {}, Session()), 401, "unauthenticated");
}

TEST_F(ApiTest, BanDeletesAndRefusesTheAuthor) {
  const std::string id = Post("Troll", "Harmless at first.").Json()["comment"]["id"];
  Login();
  HttpResponse r = Send("POST", "/api/v1/mod/actions",
                        json{{"action", "ban"}, {"comment_ids", {id}}}.dump(), Session());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["results"][0]["ok"], true);
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["comments"], json::array());
  ExpectError(Post("Troll", "I am back."), 403, "permission_denied");
}

TEST_F(ApiTest, AnAuthorNameWithALinkIsRefusedWith422NamingTheAuthorField) {
  const std::string before = Snapshot();
  for (std::string_view name : {"www.best-casino.com", "http://spam.example.com/"}) {
    SCOPED_TRACE(name);
    HttpResponse r = Post(name, "A perfectly ordinary comment.");
    ASSERT_EQ(r.status, 422) << r.body;
    json j = r.Json();
    EXPECT_EQ(j["status"], "refused");
    EXPECT_EQ(j["field"], "author");
    EXPECT_EQ(j["error"]["code"], "invalid_argument");
    EXPECT_TRUE(j["message"].get<std::string>().starts_with("author:")) << r.body;
    ASSERT_FALSE(j["reasons"].empty()) << r.body;
    EXPECT_EQ(j["reasons"][0]["field"], "author");
    EXPECT_EQ(j["reasons"][0]["rule"], "link");
  }
  HttpResponse reserved = Post("Adm\u0456n", "Official notice.");  // Cyrillic i
  EXPECT_EQ(reserved.status, 422) << reserved.body;
  EXPECT_EQ(reserved.Json()["field"], "author");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(ApiTest, ResponsesCarrySecurityHeaders) {
  HttpResponse api = Send("GET", ThreadPath());
  EXPECT_EQ(api.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(api.Header("Referrer-Policy").empty());
  EXPECT_EQ(api.Header("Content-Type"), "application/json");
  HttpResponse page = Send("GET", "/dashboard/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  const std::string csp = page.Header("Content-Security-Policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
}

TEST_F(ApiTest, ServesEmbeddedWebFilesWithContentTypes) {
  HttpResponse index = Send("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<html"), std::string::npos);
  HttpResponse js = Send("GET", "/embed.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
  HttpResponse redirect = Send("GET", "/dashboard");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.Header("Location"), "/dashboard/");
  EXPECT_EQ(Send("GET", "/dashboard/dashboard.js").Header("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(Send("GET", "/dashboard/dashboard.css").Header("Content-Type"),
            "text/css; charset=utf-8");
}

TEST_F(ApiTest, CorsOnlyForConfiguredOrigins) {
  HttpResponse ok = Send("OPTIONS", ThreadPath(), {},
                         {{"Origin", kOrigin}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(ok.Header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_NE(ok.Header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(ok.Header("Access-Control-Allow-Headers").find("X-Edit-Token"), std::string::npos);

  HttpResponse other =
      Send("OPTIONS", ThreadPath(), {},
           {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  ExpectError(other, 403, "permission_denied");
  EXPECT_EQ(other.Header("Access-Control-Allow-Origin"), "");
  ExpectError(Send("OPTIONS", "/api/v1/mod/actions", {}, {{"Origin", kOrigin}}), 403,
              "permission_denied");

  EXPECT_EQ(
      Send("GET", ThreadPath(), {}, {{"Origin", kOrigin}}).Header("Access-Control-Allow-Origin"),
      kOrigin);
  EXPECT_EQ(Send("GET", ThreadPath(), {}, {{"Origin", "https://evil.example"}})
                .Header("Access-Control-Allow-Origin"),
            "");
}

TEST_F(ApiTest, MetricsCountRequestsAndDecisions) {
  ASSERT_EQ(Post("Reader", "Counted.").status, 201);
  ASSERT_EQ(Post("Rude", "fuck").status, 422);
  HttpResponse r = Send("GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type").rfind("text/plain", 0), 0u);
  EXPECT_NE(r.body.find("commentd_http_requests_total{method=\"POST\",route=\"/api/v1/threads/"
                        ":thread/comments\",status=\"201\"} 1"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("commentd_http_request_duration_seconds_count"), std::string::npos);
  EXPECT_NE(r.body.find("commentd_moderation_decisions_total{decision=\"delete\"} 1"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("commentd_moderation_reasons_total{rule=\"inappropriate_language\""),
            std::string::npos)
      << r.body;
}

TEST_F(ApiTest, IdempotencyKeyMakesARetryReturnTheStoredComment) {
  const std::string body = json{{"author", "Retry"}, {"text", "Posted once, sent twice."}}.dump();
  const Headers key = {{"Idempotency-Key", "0b6c2f4e9a7d13c5e8f1"}};
  HttpResponse first = Send("POST", ThreadPath(), body, key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.Header("Idempotency-Replayed"), "");
  HttpResponse again = Send("POST", ThreadPath(), body, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Header("Idempotency-Replayed"), "true");
  EXPECT_EQ(again.Json()["comment"]["id"], first.Json()["comment"]["id"]);
  EXPECT_EQ(again.Json()["edit_token"], first.Json()["edit_token"]);
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["counts"]["published"], 1);
  HttpResponse reused = Send("POST", ThreadPath(),
                             json{{"author", "Retry"}, {"text", "A different text."}}.dump(), key);
  ExpectError(reused, 409, "failed_precondition");
}

class RateLimitedApiTest : public ApiTest {
 protected:
  void SetUp() override { Start(/*rate_limit=*/true); }
};

TEST_F(RateLimitedApiTest, TooManyPostsGet429WithRetryAfterUntilRefilled) {
  ASSERT_EQ(Post("Fast", "one").status, 201);
  ASSERT_EQ(Post("Fast", "two").status, 201);
  HttpResponse limited = Post("Fast", "three");
  ExpectError(limited, 429, "resource_exhausted");
  EXPECT_EQ(limited.Header("Retry-After"), "10");
  EXPECT_EQ(Send("GET", ThreadPath()).Json()["counts"]["published"], 2);
  clock_->Advance(std::chrono::seconds(10));
  EXPECT_EQ(Post("Fast", "four").status, 201);
}

// Behind a proxy on 127.0.0.1 every request comes from the proxy; its
// X-Forwarded-For tells the readers apart.
class BehindProxyApiTest : public ApiTest {
 protected:
  void SetUp() override { Start(/*rate_limit=*/true, {"127.0.0.1"}); }

  HttpResponse PostFrom(std::string_view ip, std::string_view author, std::string_view text) {
    return Send("POST", ThreadPath(), json{{"author", author}, {"text", text}}.dump(),
                {{"X-Forwarded-For", std::string(ip)}});
  }
};

TEST_F(BehindProxyApiTest, EachForwardedClientHasItsOwnLimitAndHash) {
  ASSERT_EQ(PostFrom("198.51.100.1", "First", "one").status, 201);
  ASSERT_EQ(PostFrom("198.51.100.1", "First2", "two").status, 201);
  ExpectError(PostFrom("198.51.100.1", "First3", "three"), 429, "resource_exhausted");
  HttpResponse other = PostFrom("198.51.100.2", "Second", "a different reader");
  ASSERT_EQ(other.status, 201) << other.body;
  auto stored = services_.desk->ListQueue(comments::Queue::kPublished, 10, "");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_FALSE(stored->items.empty());
  EXPECT_EQ(stored->items.front().author.ip_hash, services_.hasher->HashIp("198.51.100.2").current);
}

TEST_F(BehindProxyApiTest, LookAlikeAuthorNamesShareOneRateLimitBucket) {
  ASSERT_EQ(PostFrom("198.51.100.11", "Spammer", "one").status, 201);
  ASSERT_EQ(PostFrom("198.51.100.12", " spammer", "two").status, 201);
  ExpectError(PostFrom("198.51.100.13", "SPAM\u200BMER", "three"), 429, "resource_exhausted");
  EXPECT_EQ(PostFrom("198.51.100.14", "Someone else", "four").status, 201);
}

// Behind a proxy without rate limits: each forwarded reader is a fresh
// address, so only the name can tie a post to a ban.
class BehindProxyUnlimitedApiTest : public BehindProxyApiTest {
 protected:
  void SetUp() override { Start(/*rate_limit=*/false, {"127.0.0.1"}); }
};

TEST_F(BehindProxyUnlimitedApiTest, ABannedAuthorIsRefusedUnderLookAlikeNamesFromNewAddresses) {
  HttpResponse first = PostFrom("198.51.100.20", "Troll", "Harmless at first.");
  ASSERT_EQ(first.status, 201) << first.body;
  Login();
  HttpResponse r = Send(
      "POST", "/api/v1/mod/actions",
      json{{"action", "ban"}, {"comment_ids", {first.Json()["comment"]["id"]}}}.dump(), Session());
  ASSERT_EQ(r.status, 200) << r.body;
  int n = 30;
  for (std::string_view name : {"troll", "TROLL", " Troll", "Tr\u200Boll", "\u0422roll",
                                "Troll\u00A0", "\uFF34\uFF52\uFF4F\uFF4C\uFF4C"}) {
    SCOPED_TRACE(name);
    ExpectError(PostFrom(fmt::format("198.51.100.{}", ++n), name, "I am back."), 403,
                "permission_denied");
  }
  EXPECT_EQ(PostFrom("198.51.100.99", "Trolley", "A different reader.").status, 201);
}

}  // namespace
}  // namespace commentd
