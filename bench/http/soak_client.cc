// soak_client: the client side of bench/http/soak.sh. Holds --hold
// connections open to a commentd server on loopback (idle, as a client
// hoarding sockets would; a connection the server closes is opened again at
// once), spread over --sources client addresses 127.0.0.10, .11, ..., while a
// trickle of GET /healthz and GET of a thread page runs from 127.0.0.2, one
// request every --interval-ms. Prints, per kind of request, the count,
// failures (no 200 within --timeout-ms) and the latency (median, max).
//
//   soak_client --port 8080 --hold 128 --sources 1 --seconds 60 --thread bench-thread
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  int port = 0;
  int hold = 128;
  int sources = 1;
  int seconds = 60;
  int interval_ms = 100;
  int timeout_ms = 5000;
  std::string thread = "bench-thread";
};

// A TCP connection to 127.0.0.1:port from `source`; -1 on failure. With
// `nonblocking`, connect() may still be under way when it returns.
int Connect(int port, const std::string& source, bool nonblocking) {
  const int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    close(fd);
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

// True when the server closed (or reset) the connection.
bool ClosedByPeer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLHUP | POLLERR)) return true;
  char c;
  const ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// One GET over a new connection from 127.0.0.2: the status, 0 on failure or
// timeout.
int Get(int port, const std::string& target, int timeout_ms) {
  const int fd = Connect(port, "127.0.0.2", /*nonblocking=*/false);
  if (fd < 0) return 0;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return 0;
  }
  std::string reply;
  char buf[16384];
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  ssize_t n;
  while (Clock::now() < deadline && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (reply.size() < 12 || reply.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(reply.c_str() + 9);
}

struct Series {
  const char* name;
  int count = 0;
  int failures = 0;
  std::vector<double> ms;

  void Print() {
    std::sort(ms.begin(), ms.end());
    const double median = ms.empty() ? 0 : ms[ms.size() / 2];
    const double max = ms.empty() ? 0 : ms.back();
    std::printf("%-8s requests %d  failures %d  median %.1f ms  max %.1f ms\n", name, count,
                failures, median, max);
  }
};

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--port")
      f.port = std::atoi(v);
    else if (k == "--hold")
      f.hold = std::atoi(v);
    else if (k == "--sources")
      f.sources = std::max(1, std::atoi(v));
    else if (k == "--seconds")
      f.seconds = std::atoi(v);
    else if (k == "--interval-ms")
      f.interval_ms = std::atoi(v);
    else if (k == "--timeout-ms")
      f.timeout_ms = std::atoi(v);
    else if (k == "--thread")
      f.thread = v;
    else {
      std::fprintf(stderr, "soak_client: unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  if (f.port <= 0) {
    std::fprintf(stderr, "soak_client: --port is required\n");
    return 2;
  }

  std::atomic<bool> stop{false};
  std::atomic<long> reopened{0};
  std::atomic<int> open_now{0};
  std::thread holder([&] {
    std::vector<int> fds(static_cast<size_t>(f.hold), -1);
    while (!stop.load()) {
      int open = 0;
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i] >= 0 && ClosedByPeer(fds[i])) {
          close(fds[i]);
          fds[i] = -1;
          ++reopened;
        }
        if (fds[i] < 0) {
          const std::string source =
              "127.0.0." + std::to_string(10 + i % static_cast<size_t>(f.sources));
          fds[i] = Connect(f.port, source, /*nonblocking=*/true);
        }
        if (fds[i] >= 0) ++open;
      }
      open_now = open;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  });

  // Let the holder take its connections before the trickle starts.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Series healthz{"healthz", 0, 0, {}};
  Series thread{"thread", 0, 0, {}};
  const std::string thread_target = "/api/v1/threads/" + f.thread + "/comments?limit=20";
  const auto end = Clock::now() + std::chrono::seconds(f.seconds);
  int min_open = f.hold;
  for (int i = 0; Clock::now() < end; ++i) {
    Series& s = i % 2 == 0 ? healthz : thread;
    const auto started = Clock::now();
    const int status = Get(f.port, i % 2 == 0 ? "/healthz" : thread_target, f.timeout_ms);
    s.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    ++s.count;
    if (status != 200) ++s.failures;
    min_open = std::min(min_open, open_now.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(f.interval_ms));
  }
  stop = true;
  holder.join();
  std::printf(
      "held    %d connections from %d address(es) (fewest open at once: %d); "
      "reopened after the server closed them: %ld\n",
      f.hold, f.sources, min_open, reopened.load());
  healthz.Print();
  thread.Print();
  return healthz.failures == 0 ? 0 : 1;
}
