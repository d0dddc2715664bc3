// Runs the real binary: `commentd serve --listen 127.0.0.1:0` as a
// subprocess, reads the address it prints, drives it over HTTP and stops it
// with SIGTERM; and checks that a bad config exits 2 naming the key.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/http_client.h"
#include "tests/integration/test_support.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::HttpClient;

const char kBinary[] = COMMENTD_BINARY_DIR "/src/cli/commentd";

// A child process with its stdout and stderr captured.
class Child : public testing::ChildProcess {
 public:
  explicit Child(const std::vector<std::string>& args)
      : ChildProcess(args, /*capture_stderr=*/true) {}
};

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << "commentd binary not built: " << kBinary;
    char tmpl[] = "/tmp/commentd_serve_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string WriteConfig(const std::string& contents) {
    const std::string path = dir_ + "/commentd.toml";
    std::ofstream(path) << contents;
    return path;
  }
  std::string dir_;
};

TEST_F(ServeTest, ServesOnPortZeroAndStopsOnSigterm) {
  const std::string config = WriteConfig(
      "site_name = \"Test News\"\nallowed_origins = [\"https://news.example.com\"]\n"
      "[limits]\nmax_body_bytes = 2048\n");
  Child child({kBinary, "serve", "--config", config, "--listen", "127.0.0.1:0", "--db",
               dir_ + "/commentd.db", "--rate-limit=off", "--demo"});
  ASSERT_TRUE(child.started());
  const std::string line = child.ReadLine();
  const std::string prefix = "commentd listening on http://127.0.0.1:";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << "got: " << line << "\nstderr: " << child.ReadStderr();
  const int port = std::stoi(line.substr(prefix.size()));
  ASSERT_GT(port, 0);
  HttpClient client("127.0.0.1", static_cast<uint16_t>(port));

  // The line is printed once the server accepts; still, poll healthz (bounded)
  // rather than assume.
  bool healthy = false;
  for (int i = 0; i < 100 && !healthy; ++i) {
    auto r = client.Send("GET", "/healthz");
    healthy = r.ok() && r->status == 200;
  }
  ASSERT_TRUE(healthy);

  auto demo = client.Send("GET", "/api/v1/threads/demo-helong-workers/comments");
  ASSERT_TRUE(demo.ok());
  EXPECT_GT(demo->Json()["counts"]["published"].get<int>(), 0) << demo->body;

  auto posted = client.Send("POST", "/api/v1/threads/t1/comments",
                            R"({"author":"Reader","text":"Hello from the test."})");
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(posted->status, 201) << posted->body;
  auto big = client.Send("POST", "/api/v1/threads/t1/comments",
                         json{{"author", "x"}, {"text", std::string(3000, 'a')}}.dump());
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->status, 413) << "limits.max_body_bytes from the config applies";
  auto cors = client.Send("OPTIONS", "/api/v1/threads/t1/comments", {},
                          {{"Origin", "https://news.example.com"}});
  ASSERT_TRUE(cors.ok());
  EXPECT_EQ(cors->status, 204) << "allowed_origins from the config applies";

  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(), 0);
  EXPECT_FALSE(client.Send("GET", "/healthz").ok()) << "server still answering after SIGTERM";
}

TEST_F(ServeTest, BadConfigExitsTwoNamingTheKey) {
  const struct {
    const char* config;
    const char* key;
  } kCases[] = {
      {"listen = 8080\n", "'listen'"},
      {"colour = \"blue\"\n", "'colour'"},
      {"[limits]\nmax_body_bytes = \"big\"\n", "'max_body_bytes'"},
      {"[limits]\nburst = 3\n", "'limits.burst'"},
      {"allowed_origins = \"https://a.example\"\n", "'allowed_origins'"},
      {"listen = \"no-port\"\n", "listen"},
      {"site_name = \n", "not valid TOML"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.config);
    const std::string config = WriteConfig(c.config);
    Child child({kBinary, "serve", "--config", config, "--db", dir_ + "/commentd.db"});
    ASSERT_TRUE(child.started());
    const std::string err = child.ReadStderr();
    EXPECT_EQ(child.Wait(), 2) << err;
    EXPECT_NE(err.find(c.key), std::string::npos) << err;
  }
}

TEST_F(ServeTest, FlagOverridesConfigKey) {
  const std::string config = WriteConfig("listen = \"127.0.0.1:notaport\"\n");
  Child child({kBinary, "serve", "--config", config, "--listen", "127.0.0.1:0", "--db",
               dir_ + "/commentd.db"});
  ASSERT_TRUE(child.started());
  const std::string line = child.ReadLine();
  EXPECT_EQ(line.rfind("commentd listening on http://127.0.0.1:", 0), 0u) << line;
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(), 0);
}

}  // namespace
}  // namespace commentd
