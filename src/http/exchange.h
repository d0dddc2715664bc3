// Request and Response: one HTTP exchange as the API handlers see it, free of
// the HTTP library's types so that handlers are plain functions of values.
// The server (server.cc) copies a RESTinio request into a Request and writes
// a Response back.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace commentd::http {

struct Request {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // as received, without the query
  std::vector<std::pair<std::string, std::string>> params;   // route parameters, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;    // percent-decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string peer_ip;  // the client's address key (http/client_address.h AddressKey)

  // The first value of a route parameter / query parameter / header (name in
  // any case), or empty.
  std::string_view Param(std::string_view name) const;
  std::string_view Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const;
  std::string_view Header(std::string_view name) const;
  // The value of cookie `name` from the Cookie header, or empty.
  std::string_view Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace commentd::http
