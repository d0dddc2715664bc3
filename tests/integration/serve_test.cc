// Runs the real binary: `commentd serve --listen 127.0.0.1:0` as a
// subprocess, reads the address it prints, drives it over HTTP and stops it
// with SIGTERM; and checks that a bad config exits 2 naming the key.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/test_support.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::HttpClient;

// A child process with its stdout and stderr captured.
class Child : public testing::ChildProcess {
 public:
  explicit Child(const std::vector<std::string>& args)
      : ChildProcess(args, /*capture_stderr=*/true) {}
};

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(testing::kCommentdBinary)) {
      GTEST_SKIP() << "commentd binary not built: " << testing::kCommentdBinary;
    }
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
  Child child({testing::kCommentdBinary, "serve", "--config", config, "--listen", "127.0.0.1:0",
               "--db", dir_ + "/commentd.db", "--rate-limit=off", "--demo"});
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
    Child child(
        {testing::kCommentdBinary, "serve", "--config", config, "--db", dir_ + "/commentd.db"});
    ASSERT_TRUE(child.started());
    const std::string err = child.ReadStderr();
    EXPECT_EQ(child.Wait(), 2) << err;
    EXPECT_NE(err.find(c.key), std::string::npos) << err;
  }
}

TEST_F(ServeTest, FlagOverridesConfigKey) {
  const std::string config = WriteConfig("listen = \"127.0.0.1:notaport\"\n");
  Child child({testing::kCommentdBinary, "serve", "--config", config, "--listen", "127.0.0.1:0",
               "--db", dir_ + "/commentd.db"});
  ASSERT_TRUE(child.started());
  const std::string line = child.ReadLine();
  EXPECT_EQ(line.rfind("commentd listening on http://127.0.0.1:", 0), 0u) << line;
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(), 0);
}

// Issue 12, finding 11: the session cookie could never be Secure.
TEST_F(ServeTest, SessionCookieIsSecureWhenThePublicUrlIsHttpsOrTheConfigSaysSo) {
  const std::string db = dir_ + "/commentd.db";
  Child add({"/bin/sh", "-c",
             std::string("echo 'correct horse battery' | ") + testing::kCommentdBinary +
                 " moderator add editor --db " + db});
  ASSERT_TRUE(add.started());
  ASSERT_EQ(add.Wait(), 0) << add.ReadStderr();
  const struct {
    const char* config;
    bool secure;
  } kCases[] = {
      {"", false},
      {"public_url = \"http://localhost:8080\"\n", false},
      {"public_url = \"https://comments.example.com\"\n", true},
      {"public_url = \"https://comments.example.com\"\nsecure_cookie = false\n", false},
      {"secure_cookie = true\n", true},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.config);
    const std::string config = WriteConfig(c.config);
    testing::ServeProcess server({"--config", config, "--db", db, "--rate-limit=off"});
    ASSERT_NE(server.port(), 0) << server.line();
    HttpClient client("127.0.0.1", server.port());
    auto login = client.Send("POST", "/api/v1/auth/login",
                             R"({"name":"editor","password":"correct horse battery"})");
    ASSERT_TRUE(login.ok());
    ASSERT_EQ(login->status, 200) << login->body;
    const std::string cookie = login->Header("Set-Cookie");
    EXPECT_EQ(cookie.find("; Secure") != std::string::npos, c.secure) << cookie;
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0);
  }
}

// Issue 12, finding 7: the IP hash key lives in a 0600 file beside the
// database, never in it, and a key file others can read stops the server.
TEST_F(ServeTest, KeepsTheIpKeyInA0600FileBesideTheDatabaseAndRefusesOneOthersCanRead) {
  const std::string db = dir_ + "/commentd.db";
  const std::string key_file = db + ".ip-key";
  {
    testing::ServeProcess server({"--db", db, "--rate-limit=off"});
    ASSERT_NE(server.port(), 0) << server.line();
    HttpClient client("127.0.0.1", server.port());
    auto posted = client.Send("POST", "/api/v1/threads/t1/comments",
                              R"({"author":"Reader","text":"Hello from the test."})");
    ASSERT_TRUE(posted.ok());
    EXPECT_EQ(posted->status, 201) << posted->body;
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0);
  }
  struct stat st;
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0) << key_file;
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  std::ifstream key_in(key_file);
  std::string line, hex;
  while (std::getline(key_in, line)) {
    if (line.rfind("key ", 0) == 0) hex = line.substr(4);
  }
  ASSERT_EQ(hex.size(), 64u);
  std::string raw;
  for (size_t i = 0; i < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path() == key_file) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(hex), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(raw), std::string::npos) << entry.path();
  }

  ASSERT_EQ(::chmod(key_file.c_str(), 0644), 0);
  Child child({testing::kCommentdBinary, "serve", "--listen", "127.0.0.1:0", "--db", db});
  ASSERT_TRUE(child.started());
  const std::string err = child.ReadStderr();
  EXPECT_EQ(child.Wait(), 2) << err;
  EXPECT_NE(err.find(key_file), std::string::npos) << err;
  EXPECT_NE(err.find("chmod 600"), std::string::npos) << err;
}

}  // namespace
}  // namespace commentd
