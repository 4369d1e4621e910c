#include "api/errors.h"

#include <boost/json/object.hpp>

#include "core/json.h"

namespace rt::api {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kValidation: return 400;
    case ErrorCode::kUnauthorized: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kHeadersTooLarge: return 431;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

net::HttpResponse ErrorResponse(const Error& error) {
  boost::json::object body;
  body["error"] = ErrorCodeName(error.code);
  body["message"] = error.message;
  if (error.details) {
    for (const auto& kv : *error.details) {
      if (kv.key() != "error" && kv.key() != "message") body[kv.key()] = kv.value();
    }
  }
  auto res = net::HttpResponse::Json(HttpStatus(error.code), json::Serialize(body));
  if (error.code == ErrorCode::kTooManyRequests && error.details) {  // e.g. login throttling
    if (const auto* after = error.details->if_contains("retryAfter"); after && after->is_int64())
      res.headers.emplace_back("Retry-After", std::to_string(after->as_int64()));
  }
  return res;
}

net::HttpResponse JsonResponse(int status, std::string body) { return net::HttpResponse::Json(status, std::move(body)); }

}  // namespace rt::api
