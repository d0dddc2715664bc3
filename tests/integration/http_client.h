// A tiny blocking HTTP/1.1 client over POSIX sockets for the integration
// tests: one request per connection (Connection: close), the whole response
// read until the server closes. No TLS, no chunked request bodies.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace commentd::testing {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;

  // The first header named `name` (any case), or empty.
  std::string Header(std::string_view name) const;
  // The body parsed as JSON; a discarded value if it is not JSON.
  nlohmann::json Json() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// Thread-compatible.
class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  // Sends `method target` with `body` (Content-Type application/json when
  // non-empty and not given) and returns the response. kUnavailable when the
  // server cannot be reached; kInternal for a malformed response.
  base::Result<HttpResponse> Send(std::string_view method, std::string_view target,
                                  std::string_view body = {}, const Headers& headers = {}) const;

  // Sends raw bytes as the whole request (for malformed requests).
  base::Result<HttpResponse> SendRaw(std::string_view request) const;

 private:
  std::string host_;
  uint16_t port_;
};

// "%2F" etc. for a path segment.
std::string EncodePathSegment(std::string_view s);

}  // namespace commentd::testing
