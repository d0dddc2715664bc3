// Helpers for the reliability and security tests (crash_test, disk_full_test,
// hostile_input_test, access_test): the `commentd serve` binary as a child
// process, a raw TCP connection that can pick its source address (a second
// "client IP" on the loopback network) and send a request in pieces, and a
// look at the kernel's view of a connection (has the server read what we
// sent?), so tests wait on conditions instead of sleeping.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace commentd::testing {

inline constexpr char kCommentdBinary[] = COMMENTD_BINARY_DIR "/src/cli/commentd";

// The data folder (env COMMENTD_DATA, else ../shared/data beside the
// project); empty when it is absent.
inline std::string DataDir() {
  if (const char* env = std::getenv("COMMENTD_DATA"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::string path = COMMENTD_SOURCE_DIR "/../shared/data";
  std::ifstream probe(path + "/README.md");
  return probe.good() ? path : "";
}

// A child process (`args[0]` is the program) with its stdout read through a
// pipe, and its stderr through another pipe or, when not captured, sent to
// /dev/null. `max_open_files` > 0 sets the child's RLIMIT_NOFILE (soft and
// hard, so the child cannot raise it again). Killed (SIGKILL) if still
// running at destruction. Owned by one thread.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args, bool capture_stderr,
               rlim_t max_open_files = 0) {
    int out[2];
    int err[2] = {-1, -1};
    if (pipe(out) != 0 || (capture_stderr && pipe(err) != 0)) return;
    pid_ = fork();
    if (pid_ == 0) {
      if (max_open_files > 0) {
        const rlimit limit{max_open_files, max_open_files};
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
      }
      dup2(out[1], 1);
      close(out[0]);
      if (capture_stderr) {
        dup2(err[1], 2);
        close(err[0]);
      } else if (const int devnull = open("/dev/null", O_WRONLY); devnull >= 0) {
        dup2(devnull, 2);
      }
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    out_ = fdopen(out[0], "r");
    if (capture_stderr) {
      close(err[1]);
      err_fd_ = err[0];
    }
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_ != nullptr) fclose(out_);
    if (err_fd_ >= 0) close(err_fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0 && out_ != nullptr; }
  pid_t pid() const { return pid_; }
  // One line of stdout without the newline; empty at EOF.
  std::string ReadLine() {
    char buf[512];
    if (out_ == nullptr || fgets(buf, sizeof(buf), out_) == nullptr) return "";
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
  }
  // All of stderr until the child closes it (empty when not captured).
  std::string ReadStderr() {
    std::string s;
    char buf[4096];
    ssize_t n;
    while (err_fd_ >= 0 && (n = read(err_fd_, buf, sizeof(buf))) > 0) {
      s.append(buf, static_cast<size_t>(n));
    }
    return s;
  }
  void Signal(int sig) const { kill(pid_, sig); }
  // The exit status, or -1 if the child did not exit normally (e.g. killed).
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

// `commentd serve --listen 127.0.0.1:0 ARGS...` as a child process (its log
// kept out of the test output), optionally under a lowered open file limit
// (see ChildProcess). The constructor reads the line the server prints once
// it accepts connections. Owned by one thread.
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& args, rlim_t max_open_files = 0)
      : child_(Command(args), /*capture_stderr=*/false, max_open_files) {
    line_ = child_.ReadLine();
    const std::string prefix = "commentd listening on http://127.0.0.1:";
    if (line_.rfind(prefix, 0) == 0) {
      port_ = static_cast<uint16_t>(std::stoi(line_.substr(prefix.size())));
    }
  }

  // 0 when the server did not start; line() says what it printed instead.
  uint16_t port() const { return port_; }
  const std::string& line() const { return line_; }
  pid_t pid() const { return child_.pid(); }
  void Signal(int sig) const { child_.Signal(sig); }
  // The exit code, or -1 if the child did not exit normally (e.g. killed).
  int Wait() { return child_.Wait(); }

 private:
  static std::vector<std::string> Command(const std::vector<std::string>& args) {
    std::vector<std::string> all = {kCommentdBinary, "serve", "--listen", "127.0.0.1:0"};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }

  ChildProcess child_;
  std::string line_;
  uint16_t port_ = 0;
};

// What a raw connection read back.
struct RawReply {
  bool complete = false;  // a whole response (headers and Content-Length body)
  bool closed = false;    // the server closed the connection (EOF or reset)
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// One TCP connection to 127.0.0.1:port, optionally from `source_ip` (any
// 127.x.y.z address works on Linux loopback without configuration).
// Owned by one thread.
class RawConnection {
 public:
  RawConnection(uint16_t port, const std::string& source_ip = "") {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    if (!source_ip.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_port = 0;
      inet_pton(AF_INET, source_ip.c_str(), &local.sin_addr);
      if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
        Close();
        return;
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Close();
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  // The local port of this connection (to find it in /proc/net/tcp).
  uint16_t local_port() const {
    sockaddr_in local{};
    socklen_t len = sizeof(local);
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) != 0) return 0;
    return ntohs(local.sin_port);
  }

  // False when the connection is gone.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // True when the server has closed the connection; waits at most `wait`.
  bool ClosedByServer(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
    char c;
    const ssize_t n = recv(fd_, &c, 1, MSG_PEEK);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  // Reads until a whole response, EOF, or `timeout` without data.
  RawReply Read(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
    RawReply reply;
    std::string data;
    while (true) {
      const size_t head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        reply.head = data.substr(0, head_end);
        const size_t length = ContentLength(reply.head);
        if (data.size() >= head_end + 4 + length) {
          reply.body = data.substr(head_end + 4, length);
          reply.complete = true;
          if (reply.head.size() > 12) reply.status = std::atoi(reply.head.c_str() + 9);
          return reply;
        }
      }
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return reply;
      char buf[8192];
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        reply.closed = true;
        return reply;
      }
      data.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  static size_t ContentLength(const std::string& head) {
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return static_cast<size_t>(std::strtoull(lower.c_str() + at + 17, nullptr, 10));
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

// A request as bytes: method, target, JSON body, extra header lines.
inline std::string RawRequest(std::string_view method, std::string_view target,
                              std::string_view body = {},
                              std::string_view content_type = "application/json",
                              std::string_view extra_headers = {}) {
  std::string out =
      fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, target);
  if (!body.empty() || method == "POST") {
    if (!content_type.empty()) out += fmt::format("Content-Type: {}\r\n", content_type);
    out += fmt::format("Content-Length: {}\r\n", body.size());
  }
  out += extra_headers;
  out += "\r\n";
  out += body;
  return out;
}

// True when the kernel shows the server side of the loopback connection
// from `client_port` to `server_port` established with nothing left unread
// in its receive queue: the server has read everything the client sent.
inline bool ServerHasReadEverything(uint16_t server_port, uint16_t client_port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  const std::string local = fmt::format("0100007F:{:04X}", server_port);
  const std::string remote = fmt::format("0100007F:{:04X}", client_port);
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string sl, local_addr, rem_addr, state, queues;
    fields >> sl >> local_addr >> rem_addr >> state >> queues;
    if (local_addr != local || rem_addr != remote) continue;
    const size_t colon = queues.find(':');
    if (colon == std::string::npos) return false;
    return state == "01" && std::strtoul(queues.c_str() + colon + 1, nullptr, 16) == 0;
  }
  return false;
}

// Polls `condition` every 10 ms until it holds or `limit` passes.
template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    pollfd none{-1, 0, 0};
    poll(&none, 0, 10);
  }
  return true;
}

}  // namespace commentd::testing
