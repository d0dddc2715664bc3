// Status and Result<T>: how every fallible call in commentd reports failure.
// Our code does not throw; third-party exceptions are caught at the adapter
// edge and turned into a Status. Codes follow Abseil's names so that one
// function (http/status_to_http) can map them to HTTP statuses.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace commentd::base {

enum class StatusCode {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

// "invalid_argument", "not_found", ...: the stable spelling used in JSON errors.
std::string_view StatusCodeName(StatusCode code);

// A code and a message naming what went wrong and where. Thread-compatible.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: line 3: ..." for logs and CLI output.
  std::string ToString() const;

  // Returns a Status with `context` prepended to the message ("context: message").
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }

template <typename... Args>
Status InvalidArgumentError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kInvalidArgument, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status NotFoundError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kNotFound, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status AlreadyExistsError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kAlreadyExists, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status PermissionDeniedError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kPermissionDenied, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status UnauthenticatedError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kUnauthenticated, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status FailedPreconditionError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kFailedPrecondition, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status ResourceExhaustedError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kResourceExhausted, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status UnavailableError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kUnavailable, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status InternalError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kInternal, fmt::format(f, std::forward<Args>(args)...));
}

namespace internal {
// Prints "Result::value() of an error: <status>" and aborts.
[[noreturn]] void DieReadingValueOf(const Status& status);
}  // namespace internal

// Either a T or a non-OK Status. Thread-compatible.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result built from an OK Status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // Reading the value of an error is a bug of the caller: it aborts with the
  // error's message instead of being undefined behaviour.
  T& value() & { return (CheckHasValue(), *value_); }
  const T& value() const& { return (CheckHasValue(), *value_); }
  T&& value() && { return (CheckHasValue(), std::move(*value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void CheckHasValue() const {
    if (!value_.has_value()) internal::DieReadingValueOf(status_);
  }

  Status status_;
  std::optional<T> value_;
};

}  // namespace commentd::base

// Returns early from a function returning Status or Result<T> when `expr` fails.
#define COMMENTD_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::commentd::base::Status commentd_status_ = (expr);  \
    if (!commentd_status_.ok()) return commentd_status_; \
  } while (false)

#define COMMENTD_CONCAT_INNER(a, b) a##b
#define COMMENTD_CONCAT(a, b) COMMENTD_CONCAT_INNER(a, b)
// COMMENTD_ASSIGN_OR_RETURN(auto x, MakeX()); declares x or returns the error.
#define COMMENTD_ASSIGN_OR_RETURN(lhs, expr) \
  COMMENTD_ASSIGN_OR_RETURN_IMPL(COMMENTD_CONCAT(commentd_result_, __LINE__), lhs, expr)
#define COMMENTD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
