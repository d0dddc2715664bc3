// Two `commentd serve` processes on one PostgreSQL database, as behind a load
// balancer: what one node writes, the other serves; a moderator session made
// on one node works on the other; a ban on one refuses the author on the
// other; concurrent posts to both lose nothing. Needs COMMENTD_TEST_PG_URL
// (tests/postgres/cluster.sh); each run uses its own schema.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/mutex.h"
#include "comments/services.h"
#include "moderation/moderator.h"
#include "moderation/policy.h"
#include "store/postgres/pg_test_support.h"
#include "store/postgres/postgres_store.h"
#include "tests/integration/http_client.h"
#include "tests/integration/test_support.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::Headers;
using testing::HttpClient;
using testing::HttpResponse;

constexpr char kModName[] = "nightdesk";
constexpr char kModPassword[] = "correct horse battery staple";

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new store::testing::PgEnvironment);

// One `commentd serve` node on the shared database (a ServeProcess of
// tests/integration/test_support.h). Owned by one thread.
class Node : public testing::ServeProcess {
 public:
  explicit Node(const std::string& db_url, std::vector<std::string> extra_args = {})
      : ServeProcess(Args(db_url, std::move(extra_args))) {}
  HttpClient client() const { return HttpClient("127.0.0.1", port()); }

 private:
  static std::vector<std::string> Args(const std::string& db_url, std::vector<std::string> extra) {
    // Every node of a site shares one IP key file (docs/deploying.md); by
    // default it would land in the working directory, the source tree.
    const std::string ip_key =
        (std::filesystem::temp_directory_path() / "commentd-multinode-test.ip-key").string();
    std::vector<std::string> args = {"--db",      db_url, "--rate-limit",  "off",
                                     "--threads", "2",    "--ip-key-file", ip_key};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

// The answers concurrent writers got. Thread-safe.
class Tally {
 public:
  void Add(const base::Result<HttpResponse>& r) EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    if (r.ok() && r->status == 201) ++published_;
    // 201 published, 202 held, 422 deleted: all three are stored.
    if (r.ok() && (r->status == 201 || r->status == 202 || r->status == 422)) {
      ++acknowledged_;
    } else if (first_other_.empty()) {
      first_other_ = r.ok() ? fmt::format("{} {}", r->status, r->body) : r.status().ToString();
    }
  }
  int published() const EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    return published_;
  }
  int acknowledged() const EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    return acknowledged_;
  }
  // The first answer that was not an acknowledgement; empty if none.
  std::string first_other() const EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    return first_other_;
  }

 private:
  mutable base::Mutex mu_;
  int published_ GUARDED_BY(mu_) = 0;
  int acknowledged_ GUARDED_BY(mu_) = 0;
  std::string first_other_ GUARDED_BY(mu_);
};

HttpResponse Must(const base::Result<HttpResponse>& r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : HttpResponse{};
}

HttpResponse Post(const HttpClient& c, const std::string& thread, const std::string& author,
                  const std::string& text) {
  return Must(c.Send("POST", "/api/v1/threads/" + thread + "/comments",
                     json{{"author", author}, {"text", text}}.dump()));
}

std::vector<std::string> ListedIds(const HttpClient& c, const std::string& thread) {
  const json body = Must(c.Send("GET", "/api/v1/threads/" + thread + "/comments?limit=200")).Json();
  std::vector<std::string> ids;
  if (!body.contains("comments")) return ids;
  for (const json& comment : body["comments"]) {
    if (comment.value("state", "") == "published") ids.push_back(comment["id"]);
  }
  return ids;
}

int64_t Count(const HttpClient& c, const std::string& thread) {
  const json body = Must(c.Send("GET", "/api/v1/counts?threads=" + thread)).Json();
  return body["counts"].value(thread, int64_t{-1});
}

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(testing::kCommentdBinary)) {
      GTEST_SKIP() << "commentd binary not built: " << testing::kCommentdBinary;
    }
    schema_ = std::make_unique<store::testing::PgSchema>("multinode");
    ASSERT_FALSE(schema_->url().empty()) << schema_->error();
    // The moderator account is made the way `commentd moderator add` makes
    // it: through the AccountService on the same database.
    auto store = store::PostgresStore::Open(schema_->url(), 1);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto engine = moderation::Moderator::Create(moderation::Policy::Default());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    comments::ServiceOptions options;
    options.password_ops_limit = 1;
    options.password_mem_limit = 8192;
    auto services =
        comments::Services::Create(std::shared_ptr<comments::Store>(std::move(*store)),
                                   std::make_shared<base::SystemClock>(), *engine, options);
    ASSERT_TRUE(services.ok()) << services.status().ToString();
    ASSERT_TRUE(services->accounts->AddAccount(kModName, kModPassword).ok());
  }

  // Logs in on `c`; returns the headers a moderator write needs.
  Headers Login(const HttpClient& c) {
    HttpResponse r = Must(c.Send("POST", "/api/v1/auth/login",
                                 json{{"name", kModName}, {"password", kModPassword}}.dump()));
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string set_cookie = r.Header("Set-Cookie");
    return {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))},
            {"X-CSRF-Token", r.Json().value("csrf_token", "")}};
  }

  std::unique_ptr<store::testing::PgSchema> schema_;
};

TEST_F(MultiNodeTest, TwoNodesServeOneSite) {
  Node a(schema_->url());
  Node b(schema_->url());
  ASSERT_GT(a.port(), 0) << "node A printed: " << a.line();
  ASSERT_GT(b.port(), 0) << "node B printed: " << b.line();
  const HttpClient ca = a.client();
  const HttpClient cb = b.client();

  // Posted on A, listed by B.
  HttpResponse posted =
      Post(ca, "nk-summit", "Reader", "The statement said little about sanctions.");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string id = posted.Json()["comment"]["id"];
  EXPECT_EQ(ListedIds(cb, "nk-summit"), std::vector<std::string>{id});

  // Deleted by the engine on A; a moderator restores it on B (with the
  // session made on A: sessions live in the database); A serves it.
  HttpResponse link =
      Post(ca, "nk-summit", "Reader", "Read more at http://spam-news.example.com/offer");
  ASSERT_EQ(link.status, 422) << link.body;
  const std::string link_id = link.Json()["comment_id"];
  const Headers session = Login(ca);
  HttpResponse restored = Must(cb.Send(
      "POST", "/api/v1/mod/actions",
      json{{"action", "restore"}, {"comment_ids", {link_id}}, {"reason", "a source"}}.dump(),
      session));
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(restored.Json()["results"][0].value("ok", false), true) << restored.body;
  EXPECT_EQ(ListedIds(ca, "nk-summit"), (std::vector<std::string>{id, link_id}));
  // And the audit entry written through B is on A.
  const json audit = Must(ca.Send("GET", "/api/v1/mod/audit?limit=5", {}, session)).Json();
  ASSERT_FALSE(audit["entries"].empty()) << audit.dump();
  EXPECT_EQ(audit["entries"][0]["action"], "restore");

  // Concurrent posts to both nodes: every acknowledged one is stored once,
  // and both nodes count the published ones alike.
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 15;
  Tally tally;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const HttpClient& node = w % 2 == 0 ? ca : cb;
      for (int i = 0; i < kPerWriter; ++i) {
        tally.Add(node.Send("POST", "/api/v1/threads/busy/comments",
                            json{{"author", fmt::format("writer{}", w)},
                                 {"text", fmt::format("Comment {} from writer {}.", i, w)}}
                                .dump()));
      }
    });
  }
  for (std::thread& t : writers) t.join();
  const int published = tally.published();
  const int acknowledged = tally.acknowledged();
  EXPECT_EQ(acknowledged, kWriters * kPerWriter) << "not acknowledged: " << tally.first_other();
  EXPECT_GT(published, 0);
  EXPECT_EQ(Count(ca, "busy"), published);
  EXPECT_EQ(Count(cb, "busy"), published);
  EXPECT_EQ(ListedIds(cb, "busy").size(), static_cast<size_t>(published));
  auto stored = store::testing::PgQuery(schema_->url(),
                                        "SELECT COUNT(*) FROM comments WHERE thread = 'busy'");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, std::to_string(acknowledged));

  // A ban on A refuses the author on B (who could post there just before).
  HttpResponse spam = Post(cb, "nk-summit", "spammer", "Nothing wrong with this one yet.");
  ASSERT_EQ(spam.status, 201) << spam.body;
  HttpResponse banned = Must(ca.Send(
      "POST", "/api/v1/mod/actions",
      json{{"action", "ban"}, {"comment_ids", {spam.Json()["comment"]["id"]}}, {"reason", "spam"}}
          .dump(),
      session));
  ASSERT_EQ(banned.status, 200) << banned.body;
  EXPECT_EQ(banned.Json()["results"][0].value("ok", false), true) << banned.body;
  HttpResponse refused = Post(cb, "nk-summit", "spammer", "Trying again from the other node.");
  EXPECT_EQ(refused.status, 403) << refused.body;
}

TEST_F(MultiNodeTest, APolicySetOnOneNodeReachesTheOther) {
  Node a(schema_->url(), {"--policy-refresh-ms", "100"});
  Node b(schema_->url(), {"--policy-refresh-ms", "100"});
  ASSERT_GT(a.port(), 0) << "node A printed: " << a.line();
  ASSERT_GT(b.port(), 0) << "node B printed: " << b.line();
  const HttpClient ca = a.client();
  const HttpClient cb = b.client();
  const std::string link_text = "Details at http://offer.example.com/now";
  EXPECT_EQ(Post(cb, "policy-thread", "Reader", link_text).status, 422);  // deleted by default

  const Headers session = Login(ca);
  HttpResponse bad = Must(ca.Send("PUT", "/api/v1/mod/policy",
                                  json{{"toml", "[link]\naction = \"erase\"\n"}}.dump(), session));
  EXPECT_EQ(bad.status, 400) << bad.body;
  HttpResponse set = Must(ca.Send(
      "PUT", "/api/v1/mod/policy",
      json{{"toml", "version = \"links-held\"\n[link]\naction = \"hold\"\n"}}.dump(), session));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.Json().value("revision", 0), 1);
  EXPECT_EQ(set.Json().value("in_force", ""), "links-held@r1");

  // B looks every 100 ms; give it up to 20 s on a loaded machine.
  std::string version;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    HttpResponse checked = Must(cb.Send("POST", "/api/v1/check", json{{"text", "hello"}}.dump()));
    version = checked.Json().value("policy_version", "");
    if (version == "links-held@r1") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(version, "links-held@r1");
  EXPECT_EQ(Post(cb, "policy-thread", "Reader", link_text).status, 202);  // now held

  const json got = Must(cb.Send("GET", "/api/v1/mod/policy", "", Login(cb))).Json();
  EXPECT_EQ(got.value("revision", 0), 1);
  EXPECT_EQ(got.value("set_by", ""), kModName);
  const json audit = Must(cb.Send("GET", "/api/v1/mod/audit", "", Login(cb))).Json();
  ASSERT_FALSE(audit["entries"].empty());
  EXPECT_EQ(audit["entries"][0].value("action", ""), "policy_set");
}

}  // namespace
}  // namespace commentd
