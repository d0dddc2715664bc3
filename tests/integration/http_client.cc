#include "tests/integration/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace commentd::testing {
namespace {

// Closes the socket when the request is done.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

base::Result<HttpResponse> Parse(const std::string& raw) {
  const size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return base::InternalError("response has no end of headers ({} bytes)", raw.size());
  }
  HttpResponse r;
  std::string_view head(raw.data(), head_end);
  const size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.substr(0, 9) != "HTTP/1.1 " || status_line.size() < 12) {
    return base::InternalError("bad status line \"{}\"", status_line);
  }
  r.status = std::stoi(std::string(status_line.substr(9, 3)));
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    const size_t end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? "" : rest.substr(end + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return base::InternalError("bad header \"{}\"", line);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = raw.substr(head_end + 4);
  const std::string length = r.Header("Content-Length");
  if (!length.empty() && std::stoul(length) != r.body.size()) {
    return base::InternalError("Content-Length {} but {} body bytes", length, r.body.size());
  }
  return r;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

nlohmann::json HttpResponse::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

base::Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                            std::string_view body, const Headers& headers) const {
  std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\n",
                                    method, target, host_, port_);
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), "content-type") == 0) has_type = true;
    request += fmt::format("{}: {}\r\n", k, v);
  }
  if (!body.empty() && !has_type) request += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") {
    request += fmt::format("Content-Length: {}\r\n", body.size());
  }
  request += "\r\n";
  request += body;
  return SendRaw(request);
}

base::Result<HttpResponse> HttpClient::SendRaw(std::string_view request) const {
  Socket s(socket(AF_INET, SOCK_STREAM, 0));
  if (s.fd() < 0) return base::UnavailableError("socket: {}", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  if (inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1) {
    return base::InternalError("bad IPv4 address {}", host_);
  }
  if (connect(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return base::UnavailableError("connect {}:{}: {}", host_, port_, std::strerror(errno));
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(s.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      // The server may answer (413) and close before reading everything.
      break;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[16384];
  while (true) {
    const ssize_t n = recv(s.fd(), buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  if (raw.empty()) return base::UnavailableError("{}:{} closed without a response", host_, port_);
  return Parse(raw);
}

std::string EncodePathSegment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace commentd::testing
