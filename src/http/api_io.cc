#include "http/api_io.h"

#include <algorithm>
#include <charconv>

#include "http/json_codec.h"
#include "http/status_to_http.h"

namespace commentd::http {

using nlohmann::json;

Response Json(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = Dump(body);
  return r;
}

Response Error(const base::Status& status) {
  HttpReply reply = StatusToHttp(status);
  Response r;
  r.status = reply.status;
  r.body = std::move(reply.body);
  return r;
}

Response NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

// An integer query parameter, `fallback` when absent.
base::Result<int> IntQuery(const Request& r, std::string_view name, int fallback) {
  if (!r.HasQuery(name)) return fallback;
  std::string_view v = r.Query(name);
  int value = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return base::InvalidArgumentError("query parameter '{}' must be an integer, got \"{}\"", name,
                                      v);
  }
  return value;
}

// A request body must be declared JSON. Besides telling a client that sent
// a form or plain text what went wrong, this closes a CSRF path: a page on
// another site can make a browser POST text/plain or form data without a
// CORS preflight, but not application/json. 415 names the type received;
// an empty body is left to ParseObject.
std::optional<Response> RequireJsonContentType(const Request& r) {
  // No body, no type to judge: ParseObject names the empty body (400).
  if (r.body.empty()) return std::nullopt;
  std::string_view type = r.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  const bool is_json = type.size() == kJson.size() &&
                       std::equal(type.begin(), type.end(), kJson.begin(), [](char a, char b) {
                         return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
                       });
  if (is_json) return std::nullopt;
  Response out;
  out.status = 415;
  out.body = ErrorBody(
      "unsupported_media_type",
      type.empty()
          ? std::string("header Content-Type is required: send the body as application/json")
          : fmt::format("Content-Type must be application/json, got \"{}\"", type));
  return out;
}

// The JSON object of a request body: 415 unless declared JSON, 400 unless it
// is one well-formed object.
base::Result<json> ParseBody(const Request& r, Response* refusal) {
  if (auto bad = RequireJsonContentType(r)) {
    *refusal = std::move(*bad);
    return base::InvalidArgumentError("content type");
  }
  auto body = ParseObject(r.body);
  if (!body.ok()) *refusal = Error(body.status());
  return body;
}

base::Result<TextBody> ParseTextBody(const Request& r, Response* refusal) {
  COMMENTD_ASSIGN_OR_RETURN(json body, ParseBody(r, refusal));
  const auto refuse = [&](const base::Status& status) {
    *refusal = Error(status);
    return status;
  };
  auto text = RequiredString(body, "text");
  if (!text.ok()) return refuse(text.status());
  auto lang = OptionalString(body, "lang");
  if (!lang.ok()) return refuse(lang.status());
  return TextBody{*std::move(text), PickLanguage(lang->value_or(""), r.Header("accept-language"))};
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    const size_t comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::string PickLanguage(std::string_view lang, std::string_view accept_language) {
  static constexpr std::string_view kKnown[] = {"en", "ko", "zh", "ja"};
  for (std::string_view k : kKnown) {
    if (lang == k) return std::string(k);
  }
  // "ko-KR,ko;q=0.9,en;q=0.8": the first known primary subtag wins; writers'
  // browsers list their preferred language first.
  std::string_view rest = accept_language;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view tag = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    const size_t end = tag.find_first_of("-_; ");
    std::string_view primary = tag.substr(0, end);
    for (std::string_view k : kKnown) {
      if (primary.size() == 2 && (primary[0] | 0x20) == k[0] && (primary[1] | 0x20) == k[1]) {
        return std::string(k);
      }
    }
  }
  return "en";
}

}  // namespace commentd::http
