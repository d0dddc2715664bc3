// Feeds arbitrary request targets ("path?query") to the parsing commentd
// does itself: static file lookup, percent-decoding of path segments, the
// query string, and the query values the handlers parse (cursors, sort
// orders, queues). None may
// crash; a decoded cursor must round-trip; a query without escapes must
// decode to its own bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "comments/comment.h"
#include "http/exchange.h"
#include "http/request_target.h"
#include "http/static_assets.h"

namespace commentd::http {
// web/ embedded by cmake/embed.cmake (src/http/CMakeLists.txt).
std::vector<std::pair<std::string_view, std::string_view>> WebFiles();
}  // namespace commentd::http

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace commentd;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  // The widget's files are looked up by path; ".." never reaches one.
  static const http::StaticAssets assets{http::WebFiles()};
  const auto asset = assets.Find(path);
  if (path.find("..") != std::string_view::npos) Check(!asset.has_value());

  // Route parameters are single path segments, each percent-decoded.
  while (!path.empty()) {
    const size_t slash = path.find('/');
    (void)http::PercentDecode(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }

  http::Request request;
  request.query = http::ParseQuery(query);
  for (const auto& [key, value] : request.query) {
    if (auto cursor = comments::Cursor::Decode(value); cursor.ok()) {
      Check(comments::Cursor::Decode(cursor->Encode()).ok());
      Check(*comments::Cursor::Decode(cursor->Encode()) == *cursor);
    }
    (void)comments::ParseSortOrder(value);
    (void)comments::ParseQueue(value);
    Check(request.HasQuery(key));
  }
  if (query.find_first_of("%+") == std::string_view::npos) {
    std::string rebuilt;
    for (const auto& [key, value] : request.query) {
      if (!rebuilt.empty()) rebuilt += '&';
      rebuilt += key;
      if (!value.empty()) rebuilt += '=' + value;
    }
    // Only empty pairs and a trailing '=' of an empty value are lost.
    Check(rebuilt.size() <= query.size());
  }
  return 0;
}
