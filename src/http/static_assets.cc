#include "http/static_assets.h"

namespace commentd::http {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

StaticAssets::StaticAssets(const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  for (const auto& [name, content] : files) {
    const std::string_view type = ContentTypeFor(name);
    by_path_["/" + std::string(name)] = Asset{content, type, EndsWith(name, ".html")};
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
