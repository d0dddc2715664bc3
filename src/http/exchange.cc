#include "http/exchange.h"

#include <strings.h>

namespace commentd::http {
namespace {

std::string_view Find(const std::vector<std::pair<std::string, std::string>>& v,
                      std::string_view name, bool ignore_case) {
  for (const auto& [k, val] : v) {
    if (k.size() != name.size()) continue;
    if (ignore_case ? strncasecmp(k.data(), name.data(), k.size()) == 0 : k == name) return val;
  }
  return {};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view Request::Param(std::string_view name) const { return Find(params, name, false); }
std::string_view Request::Query(std::string_view name) const { return Find(query, name, false); }
bool Request::HasQuery(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return true;
  }
  return false;
}
std::string_view Request::Header(std::string_view name) const { return Find(headers, name, true); }

std::string_view Request::Cookie(std::string_view name) const {
  std::string_view rest = Header("cookie");
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    std::string_view pair = Trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(pair.substr(0, eq)) == name) return Trim(pair.substr(eq + 1));
  }
  return {};
}

}  // namespace commentd::http
