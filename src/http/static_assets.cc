#include "http/static_assets.h"

#include <fmt/format.h>

#include <cstdint>

namespace commentd::http {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

StaticAssets::StaticAssets(
    const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  for (const auto& [name, content] : files) {
    const std::string_view type = ContentTypeFor(name);
    const std::string path = "/" + std::string(name);
    const std::string& etag = etags_[path] = ETagFor(content);
    by_path_[path] = Asset{content, type, EndsWith(name, ".html"), etag};
  }
}

std::optional<Asset> StaticAssets::Find(std::string_view url_path) const {
  if (url_path.empty() || url_path.front() != '/' ||
      url_path.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string key(url_path);
  if (key.back() == '/') key += "index.html";
  auto it = by_path_.find(key);
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

std::string StaticAssets::ETagFor(std::string_view content) {
  // FNV-1a over the bytes, twice with different seeds: a validator needs to
  // change with the content, not to resist an attacker (the files are ours).
  uint64_t a = 0xcbf29ce484222325ull;
  uint64_t b = 0x84222325cbf29ce4ull;
  for (unsigned char c : content) {
    a = (a ^ c) * 0x100000001b3ull;
    b = (b ^ c) * 0x100000001b3ull;
  }
  return fmt::format("\"{:016x}{:016x}\"", a, b ^ content.size());
}

bool StaticAssets::Matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    if_none_match =
        comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);  // weak comparison, as for GET
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

std::string_view StaticAssets::ContentTypeFor(std::string_view name) {
  if (EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(name, ".json")) return "application/json";
  if (EndsWith(name, ".svg")) return "image/svg+xml";
  if (EndsWith(name, ".txt")) return "text/plain; charset=utf-8";
  if (EndsWith(name, ".ico")) return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace commentd::http
