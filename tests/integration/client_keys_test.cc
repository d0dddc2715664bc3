// What the server keys on a client, and what a hostile client can make it
// do (issue 12, findings 6, 8, 13, 14 and 15): address keys for limits,
// bans, reports and idempotent replays behind a trusted proxy; a policy that
// nests too deep; a comment that would produce hundreds of reasons. An
// in-process Server on port 0 over SQLite and a FakeClock.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "comments/services.h"
#include "http/server.h"
#include "moderation/moderator.h"
#include "tests/integration/http_client.h"
#include "tests/integration/local_server.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::Headers;
using testing::HttpResponse;

constexpr char kThreadPath[] = "/api/v1/threads/keys-test/comments";
constexpr char kModName[] = "editor";
constexpr char kModPassword[] = "correct horse battery";

class ClientKeysTest : public testing::DefaultEngineTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/commentd_keys_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_NE(engine_, nullptr);
    clock_ = std::make_shared<base::FakeClock>(base::Time(std::chrono::seconds(1795000000)));
    comments::ServiceOptions service_options = testing::TestServiceOptions();
    service_options.ip_key_file = dir_ + "/ip.key";
    auto service = testing::SqliteService(dir_ + "/commentd.db", clock_, engine_, service_options);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    services_ = std::move(*service);
    services_.policy->SetEngineFactory(
        [](const moderation::Policy& policy)
            -> base::Result<std::shared_ptr<const moderation::Moderator>> {
          return engine_->WithPolicy(policy);
        });
    ASSERT_TRUE(services_.accounts->AddAccount(kModName, kModPassword).ok());

    http::ServerOptions options;
    options.threads = 2;
    options.max_body_bytes = 64 * 1024;
    options.api.rate_limit = true;
    options.api.post_per_ip = {2, 6};
    options.api.post_per_author = {100, 600};
    options.api.misc_per_ip = {100, 600};
    // Every request comes from the "proxy" on 127.0.0.1; X-Forwarded-For
    // names the reader.
    auto trusted = http::TrustedProxies::Create({"127.0.0.1"});
    ASSERT_TRUE(trusted.ok());
    options.trusted_proxies = std::move(*trusted);
    const base::Status started = local_.Start(options, services_, clock_);
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void TearDown() override {
    local_.Stop();
    services_ = {};
    std::filesystem::remove_all(dir_);
  }

  HttpResponse PostFrom(std::string_view ip, std::string_view author, std::string_view text,
                        Headers headers = {}) {
    headers.emplace_back("X-Forwarded-For", std::string(ip));
    return local_.Send("POST", kThreadPath, json{{"author", author}, {"text", text}}.dump(),
                       headers);
  }

  Headers Login() {
    HttpResponse r = local_.Send("POST", "/api/v1/auth/login",
                                 json{{"name", kModName}, {"password", kModPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string cookie = r.Header("Set-Cookie");
    return {{"Cookie", cookie.substr(0, cookie.find(';'))},
            {"X-CSRF-Token", r.Json()["csrf_token"].get<std::string>()}};
  }

  std::string dir_;
  std::shared_ptr<base::FakeClock> clock_;
  comments::Services services_;
  testing::LocalServer local_;
};

// Finding 6: a 12 KB policy of nested arrays crashed the server (stack
// overflow in toml11).
TEST_F(ClientKeysTest, DeeplyNestedPolicyIsRefusedAndTheServerKeepsServing) {
  const Headers session = Login();
  const std::string toml =
      "version = \"deep\"\n[link]\nallowed_domains = " + std::string(12000, '[') + "\n";
  HttpResponse r = local_.Send("PUT", "/api/v1/mod/policy", json{{"toml", toml}}.dump(), session);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("toml:3: arrays and inline tables nest deeper"), std::string::npos)
      << r.body;
  EXPECT_EQ(local_.Send("GET", "/healthz").status, 200);
  EXPECT_EQ(local_.Send("GET", "/api/v1/mod/policy", {}, session).Json()["revision"], 0);
}

// Finding 8: an IPv6 /64 gave unlimited fresh rate-limit buckets.
TEST_F(ClientKeysTest, TwoAddressesOfOneIpv6NetworkShareALimitAndAHash) {
  ASSERT_EQ(PostFrom("2001:db8:1:2::1", "One", "first comment").status, 201);
  ASSERT_EQ(PostFrom("2001:db8:1:2::ffff", "Two", "second comment").status, 201);
  HttpResponse limited = PostFrom("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "Three", "third comment");
  EXPECT_EQ(limited.status, 429) << limited.body;
  HttpResponse other_net = PostFrom("2001:db8:1:3::1", "Four", "another network");
  EXPECT_EQ(other_net.status, 201) << other_net.body;
  // IPv4 keeps per-address keys; an IPv4-mapped address is that IPv4 address.
  ASSERT_EQ(PostFrom("198.51.100.1", "Five", "from IPv4").status, 201);
  ASSERT_EQ(PostFrom("::ffff:198.51.100.1", "Six", "mapped IPv4").status, 201);
  EXPECT_EQ(PostFrom("198.51.100.1", "Seven", "once more").status, 429);
  EXPECT_EQ(PostFrom("198.51.100.2", "Eight", "a neighbour").status, 201);

  auto stored = services_.desk->ListQueue(comments::Queue::kPublished, 20, "");
  ASSERT_TRUE(stored.ok());
  std::set<std::string> hashes;
  for (const auto& c : stored->items) {
    if (c.author.name == "One" || c.author.name == "Two") hashes.insert(c.author.ip_hash);
  }
  EXPECT_EQ(hashes, std::set<std::string>{services_.hasher->HashIp("2001:db8:1:2::/64").current});
}

// Finding 13: whoever knew an Idempotency-Key got the edit token back.
TEST_F(ClientKeysTest, IdempotentReplayGivesTheEditTokenOnlyToTheSameClient) {
  const Headers key = {{"Idempotency-Key", "7f3e9d1c5b2a8e4f6d0c"}};
  HttpResponse first = PostFrom("198.51.100.7", "Writer", "Posted once, sent twice.", key);
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResponse stranger = PostFrom("203.0.113.66", "Writer", "Posted once, sent twice.", key);
  EXPECT_EQ(stranger.status, 409) << stranger.body;
  EXPECT_EQ(stranger.body.find(first.Json()["edit_token"].get<std::string>()), std::string::npos);
  HttpResponse again = PostFrom("198.51.100.7", "Writer", "Posted once, sent twice.", key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Header("Idempotency-Replayed"), "true");
  EXPECT_EQ(again.Json()["edit_token"], first.Json()["edit_token"]);
}

// Finding 14: one address could report a comment any number of times.
TEST_F(ClientKeysTest, RepeatedReportsFromOneReaderAnswerAlikeButCountOnce) {
  HttpResponse posted = PostFrom("198.51.100.7", "Writer", "An ordinary comment.");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string id = posted.Json()["comment"]["id"];
  const std::string path = "/api/v1/comments/" + id + "/report";
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = local_.Send("POST", path, R"({"reason":"spam"})",
                                 {{"X-Forwarded-For", "2001:db8:9:9::" + std::to_string(i + 1)}});
    EXPECT_EQ(r.status, 202) << r.body;
  }
  EXPECT_EQ(
      local_.Send("POST", path, R"({"reason":"rude"})", {{"X-Forwarded-For", "192.0.2.4"}}).status,
      202);
  const Headers session = Login();
  json reported = local_.Send("GET", "/api/v1/mod/queues/reported", {}, session).Json();
  ASSERT_EQ(reported["comments"].size(), 1u) << reported.dump();
  EXPECT_EQ(reported["comments"][0]["reports"], 2) << reported.dump();
}

// Finding 15: a 5 KB comment produced 834 reasons, a 96 KB answer.
TEST_F(ClientKeysTest, AnAnswerCarriesBoundedReasons) {
  std::string text;
  while (text.size() < 4990) text += "fuck x ";
  HttpResponse r = PostFrom("198.51.100.7", "Writer", text.substr(0, 4995));
  ASSERT_EQ(r.status, 422) << r.body.substr(0, 300);
  EXPECT_LE(r.Json()["reasons"].size(), moderation::Moderator::kMaxReasonsPerRule + 1);
  EXPECT_LT(r.body.size(), 8000u);
}

}  // namespace
}  // namespace commentd
