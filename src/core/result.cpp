#include "core/result.h"

namespace rt {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kValidation: return "ValidationError";
    case ErrorCode::kUnauthorized: return "UnauthorizedError";
    case ErrorCode::kForbidden: return "ForbiddenError";
    case ErrorCode::kNotFound: return "NotFoundError";
    case ErrorCode::kMethodNotAllowed: return "MethodNotAllowedError";
    case ErrorCode::kConflict: return "ConflictError";
    case ErrorCode::kPayloadTooLarge: return "PayloadTooLargeError";
    case ErrorCode::kUnsupportedMediaType: return "UnsupportedMediaTypeError";
    case ErrorCode::kTooManyRequests: return "TooManyRequestsError";
    case ErrorCode::kHeadersTooLarge: return "RequestHeaderFieldsTooLargeError";
    case ErrorCode::kUnavailable: return "ServiceUnavailableError";
    case ErrorCode::kInternal: return "InternalError";
  }
  return "InternalError";
}

}  // namespace rt
