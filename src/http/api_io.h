// How the API handlers read a request and write a response: JSON answers
// and errors (through StatusToHttp), query integers, JSON bodies (415 unless
// declared JSON, 400 unless one object), the text-and-language body of a
// check or an edit, a moderator listing's page, and the writer's language.
// Written once so that every route answers the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "comments/comment.h"
#include "http/exchange.h"

namespace commentd::http {

// `body` with `status`, as JSON.
Response Json(int status, const nlohmann::json& body);
// The StatusToHttp answer of `status`.
Response Error(const base::Status& status);
// 204 without a body.
Response NoContent();

// An integer query parameter, `fallback` when absent; kInvalidArgument naming it otherwise.
base::Result<int> IntQuery(const Request& r, std::string_view name, int fallback);

// 415 naming the type received unless a non-empty body is declared
// application/json; nullopt when it is (or there is no body).
std::optional<Response> RequireJsonContentType(const Request& r);

// The JSON object of a request body: 415 unless declared JSON, 400 unless it
// is one well-formed object; on failure `*refusal` is the answer.
base::Result<nlohmann::json> ParseBody(const Request& r, Response* refusal);

// The {"text", "lang"} body of a check or an edit, with the writer's
// language for messages (PickLanguage); on failure `*refusal` is the answer.
struct TextBody {
  std::string text;
  std::string language;
};
base::Result<TextBody> ParseTextBody(const Request& r, Response* refusal);

// A page of a moderator listing: {"<key>": [...], "next_cursor": ...}.
template <typename T, typename ToJson>
Response PageJson(std::string_view key, const comments::Page<T>& page, ToJson to_json) {
  nlohmann::json list = nlohmann::json::array();
  for (const T& item : page.items) list.push_back(to_json(item));
  return Json(200, {{key, std::move(list)},
                    {"next_cursor",
                     page.next ? nlohmann::json(page.next->Encode()) : nlohmann::json(nullptr)}});
}

// "a,b,c" -> {"a", "b", "c"} (empty parts kept).
std::vector<std::string> SplitComma(std::string_view s);

// The writer's language for messages: `lang` if given, else the first of
// en/ko/zh/ja named in Accept-Language, else "en".
std::string PickLanguage(std::string_view lang, std::string_view accept_language);

}  // namespace commentd::http
