// Error values and Result<T>: how expected failures travel through the platform.
//
// Expected failures (bad input, missing entity, conflict, dependency down) are returned as
// values, never thrown. Exceptions are reserved for start-up and programmer errors.
// Only src/api/ turns an ErrorCode into an HTTP status (see api/errors.h).
//
// Thread safety: plain values; safe to copy and move across threads.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <boost/json/fwd.hpp>

namespace rt {

enum class ErrorCode {
  kValidation,            // 400 ValidationError
  kUnauthorized,          // 401 UnauthorizedError
  kForbidden,             // 403 ForbiddenError
  kNotFound,              // 404 NotFoundError
  kMethodNotAllowed,      // 405 MethodNotAllowedError
  kConflict,              // 409 ConflictError
  kPayloadTooLarge,       // 413 PayloadTooLargeError
  kUnsupportedMediaType,  // 415 UnsupportedMediaTypeError
  kTooManyRequests,       // 429 TooManyRequestsError (details may carry {"retryAfter": seconds})
  kHeadersTooLarge,       // 431 RequestHeaderFieldsTooLargeError
  kUnavailable,           // 503 ServiceUnavailableError: a dependency (database, Redis) is down
  kInternal,              // 500 InternalError
};

// The spec's error class name for a code, e.g. "NotFoundError".
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // Optional extra fields merged into the JSON error body (e.g. {"currentRevision": 3}).
  std::shared_ptr<const boost::json::object> details;

  static Error Validation(std::string m) { return {ErrorCode::kValidation, std::move(m), nullptr}; }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m), nullptr}; }
  static Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m), nullptr}; }
  static Error Unauthorized(std::string m) { return {ErrorCode::kUnauthorized, std::move(m), nullptr}; }
  static Error Forbidden(std::string m) { return {ErrorCode::kForbidden, std::move(m), nullptr}; }
  static Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m), nullptr}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m), nullptr}; }
};

// Result<T>: either a T or an Error. Result<void> carries only success or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(!ok()); return *error_; }
  Error&& take_error() { assert(!ok()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace rt

// Propagate an error from an expression returning Result<...>.
#define RT_TRY(expr)                                              \
  do {                                                            \
    auto&& rt_try_result_ = (expr);                               \
    if (!rt_try_result_.ok()) return rt_try_result_.take_error(); \
  } while (0)
