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

namespace commentd {
namespace {

using nlohmann::json;
using testing::HttpClient;

const char kBinary[] = COMMENTD_BINARY_DIR "/src/cli/commentd";

// A child process with its stdout and stderr captured through pipes.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      dup2(err[1], 2);
      close(out[0]);
      close(err[0]);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_ = fdopen(out[0], "r");
    err_fd_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_) fclose(out_);
    if (err_fd_ >= 0) close(err_fd_);
  }

  bool started() const { return pid_ > 0 && out_ != nullptr; }
  // One line of stdout without the newline; empty at EOF.
  std::string ReadLine() {
    char buf[512];
    if (!fgets(buf, sizeof(buf), out_)) return "";
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
  }
  // All of stderr until the child closes it.
  std::string ReadStderr() {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = read(err_fd_, buf, sizeof(buf))) > 0) s.append(buf, static_cast<size_t>(n));
    return s;
  }
  void Signal(int sig) { kill(pid_, sig); }
  // The exit status, or -1 if the child did not exit normally.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int err_fd_ = -1;
  bool exited_ = false;
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
