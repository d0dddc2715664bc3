// Feeds arbitrary bytes to the request body readers and to the Reason codec's
// reader (a body's "reasons"): they must return a Status, never throw or crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/json_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto obj = commentd::http::ParseObject(body);
  if (!obj.ok()) return 0;
  (void)commentd::http::RequiredString(*obj, "text");
  (void)commentd::http::OptionalString(*obj, "parent_id");
  (void)commentd::http::RequiredStringArray(*obj, "comment_ids");
  (void)commentd::http::Dump(*obj);
  if (auto reasons = obj->find("reasons"); reasons != obj->end()) {
    (void)commentd::moderation::ReasonsFromJson(*reasons);
  }
  return 0;
}
