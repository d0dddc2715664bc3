// A full disk: the SQLite database sits on a small tmpfs that the test fills
// up. Posting must answer 503 with a JSON error (never 500, never a lost
// acknowledged comment), reading must go on working, and once space is
// freed posting must work again without a restart. Needs permission to
// mount (root in CI); skips with a message otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
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
using testing::HttpResponse;

constexpr char kThread[] = "disk-full";

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/commentd_disk_full_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=2m") != 0) {
      GTEST_SKIP() << "cannot mount a 2 MiB tmpfs at " << dir_ << " (" << std::strerror(errno)
                   << "); the disk-full test needs root or CAP_SYS_ADMIN";
    }
    mounted_ = true;
    auto engine = moderation::Moderator::Create(moderation::Policy::Default());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    auto service =
        testing::SqliteService(dir_ + "/commentd.db", std::make_shared<base::SystemClock>(),
                               *engine, testing::TestServiceOptions());
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    services_ = std::move(*service);
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    server_options.api.rate_limit = false;
    server_options.api.thread_cache_ttl = std::chrono::milliseconds(0);
    const base::Status started =
        local_.Start(server_options, services_, std::make_shared<base::SystemClock>());
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void TearDown() override {
    local_.Stop();
    services_ = {};
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  HttpResponse Post(int i) {
    const std::string text = fmt::format(
        "Comment {} about the factory inspections in Helong, with some length to it: {}", i,
        std::string(static_cast<size_t>(200 + i % 50), 'w'));
    auto r = local_.client().Send("POST", fmt::format("/api/v1/threads/{}/comments", kThread),
                                  json{{"author", "Reader"}, {"text", text}}.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok() && r->status == 201) acked_[r->Json()["comment"]["id"].get<std::string>()] = text;
    return r.ok() ? *r : HttpResponse{};
  }

  // Writes a filler file until the filesystem is full.
  void Fill() {
    std::ofstream filler(dir_ + "/filler", std::ios::binary);
    const std::string block(64 * 1024, 'f');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size()))) {
      filler.flush();
      if (!filler) break;
    }
    // Smaller pieces for the last free bytes.
    filler.clear();
    const std::string small(512, 'f');
    for (int i = 0; i < 1000 && filler.write(small.data(), 512) && filler.flush(); ++i) {
    }
  }

  void ExpectAckedListed() {
    std::map<std::string, std::string> listed;
    std::string after;
    for (int page = 0; page < 100; ++page) {
      std::string target = fmt::format("/api/v1/threads/{}/comments?limit=200", kThread);
      if (!after.empty()) target += "&after=" + after;
      auto r = local_.client().Send("GET", target);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->status, 200) << r->body;
      json body = r->Json();
      for (const json& c : body["comments"]) {
        listed[c["id"].get<std::string>()] = c["text"].get<std::string>();
      }
      if (body["next_cursor"].is_null()) break;
      after = body["next_cursor"].get<std::string>();
    }
    for (const auto& [id, text] : acked_) {
      auto it = listed.find(id);
      ASSERT_NE(it, listed.end()) << "acknowledged comment " << id << " is missing";
      EXPECT_EQ(it->second, text);
    }
  }

  std::string dir_;
  bool mounted_ = false;
  comments::Services services_;
  testing::LocalServer local_;
  std::map<std::string, std::string> acked_;
};

TEST_F(DiskFullTest, PostAnswers503WhileFullReadsWorkAndPostingRecoversByItself) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Post(i).status, 201);
  Fill();

  // SQLite may still find room in pages it already has; keep posting until
  // the disk refuses. Every answer is a 201 (then the comment must survive)
  // or a 503 with the error shape; never a 500.
  HttpResponse refused;
  for (int i = 5; i < 400 && refused.status != 503; ++i) {
    HttpResponse r = Post(i);
    ASSERT_TRUE(r.status == 201 || r.status == 503) << r.status << " " << r.body;
    if (r.status == 503) refused = r;
  }
  ASSERT_EQ(refused.status, 503) << "the full disk never refused a post";
  RecordProperty("acknowledged_before_refusal", static_cast<int>(acked_.size()));
  const json error = refused.Json();
  EXPECT_EQ(error["error"]["code"], "unavailable") << refused.body;
  const std::string message = error["error"].value("message", "");
  EXPECT_NE(message.find("full"), std::string::npos) << message;

  // Reads go on.
  ExpectAckedListed();
  EXPECT_EQ(local_.client().Send("GET", "/healthz")->status, 200);

  // Space returns: the next post works without a restart.
  std::filesystem::remove(dir_ + "/filler");
  HttpResponse again = Post(1000);
  EXPECT_EQ(again.status, 201) << again.body;
  ExpectAckedListed();
}

}  // namespace
}  // namespace commentd
