// StaticAssets: the web/ files (demo article, embed widget, moderator
// dashboard) carried inside the binary and looked up by URL path, so a
// deployment is one file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace commentd::http {

struct Asset {
  std::string_view content;
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  bool is_html = false;
  // A strong validator from a hash of the content ("\"0123456789abcdef\""):
  // it changes whenever the file does, so a browser may keep the file and
  // ask with If-None-Match.
  std::string_view etag;
};

// Immutable after construction. Thread-safe.
class StaticAssets {
 public:
  // `files` are (path relative to web/, contents) pairs whose views outlive
  // this object (the embedded files are static).
  explicit StaticAssets(const std::vector<std::pair<std::string_view, std::string_view>>& files);
  StaticAssets(const StaticAssets&) = delete;  // Asset::etag views etags_
  StaticAssets& operator=(const StaticAssets&) = delete;

  // The asset for a URL path: "/" and "/dir/" serve index.html; "/dir"
  // without the slash is not found (the caller may redirect). Paths with
  // ".." or a query never match.
  std::optional<Asset> Find(std::string_view url_path) const;

  // The content type for a file name by its extension.
  static std::string_view ContentTypeFor(std::string_view name);

  // True when an If-None-Match header value names `etag` (or is "*").
  static bool Matches(std::string_view if_none_match, std::string_view etag);

  // The content-hash validator of `content`.
  static std::string ETagFor(std::string_view content);

 private:
  std::unordered_map<std::string, Asset> by_path_;
  std::unordered_map<std::string, std::string> etags_;  // by path; Asset::etag views these
};

}  // namespace commentd::http
