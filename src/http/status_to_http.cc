#include "http/status_to_http.h"

#include <nlohmann/json.hpp>

namespace commentd::http {

int HttpStatusFor(base::StatusCode code) {
  switch (code) {
    case base::StatusCode::kInvalidArgument:
      return 400;
    case base::StatusCode::kUnauthenticated:
      return 401;
    case base::StatusCode::kPermissionDenied:
      return 403;
    case base::StatusCode::kNotFound:
      return 404;
    case base::StatusCode::kAlreadyExists:
      return 409;
    case base::StatusCode::kFailedPrecondition:
      return 409;
    case base::StatusCode::kResourceExhausted:
      return 429;
    case base::StatusCode::kUnavailable:
      return 503;
    case base::StatusCode::kOk:
    case base::StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  // Messages may quote user input; never let a bad byte make dump() throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpReply StatusToHttp(const base::Status& status) {
  if (status.ok()) {
    return {500, ErrorBody("internal", "an OK status was reported as an error")};
  }
  return {HttpStatusFor(status.code()),
          ErrorBody(base::StatusCodeName(status.code()), status.message())};
}

HttpReply PayloadTooLarge(size_t body_bytes, size_t limit_bytes) {
  return {413, ErrorBody("payload_too_large",
                         fmt::format("request body is {} bytes; the limit is {} bytes", body_bytes,
                                     limit_bytes))};
}

HttpReply UnknownRoute(std::string_view method, std::string_view path) {
  return {404, ErrorBody("not_found", fmt::format("no route for {} {}", method, path))};
}

int DecisionToHttp(moderation::Decision decision, bool created) {
  switch (decision) {
    case moderation::Decision::kPublish:
      return created ? 201 : 200;
    case moderation::Decision::kHold:
      return 202;
    case moderation::Decision::kDelete:
      return 422;
  }
  return 500;
}

}  // namespace commentd::http
