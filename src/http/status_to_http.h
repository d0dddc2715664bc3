// The one mapping from commentd's outcomes to HTTP statuses. Every 4xx/5xx
// the server sends is built here, with the body
//   {"error":{"code":"invalid_argument","message":"..."}}
// so that clients see one error shape and one status per failure kind.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "moderation/verdict.h"

namespace commentd::http {

// An HTTP status and its JSON body.
struct HttpReply {
  int status = 200;
  std::string body;
};

// kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403,
// kNotFound 404, kAlreadyExists and kFailedPrecondition 409,
// kResourceExhausted 429, kUnavailable 503, kInternal (and anything else) 500.
// Precondition: !status.ok().
int HttpStatusFor(base::StatusCode code);

// The error reply for a failed Status: HttpStatusFor(code) and the error body
// with code StatusCodeName(code) and the Status message.
HttpReply StatusToHttp(const base::Status& status);

// 413 payload_too_large for a request body over `limit_bytes`.
HttpReply PayloadTooLarge(size_t body_bytes, size_t limit_bytes);

// 404 not_found for a route the server does not know.
HttpReply UnknownRoute(std::string_view method, std::string_view path);

// The status of a moderated write: publish 201 (200 when `created` is false,
// i.e. an edit), hold 202, delete 422.
int DecisionToHttp(moderation::Decision decision, bool created);

// {"error":{"code":code,"message":message}} serialized.
std::string ErrorBody(std::string_view code, std::string_view message);

}  // namespace commentd::http
