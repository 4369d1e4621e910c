// The one place where an Error becomes an HTTP status and the spec's JSON error body
// {"error":"NotFoundError","message":"..."} (plus any details fields).
// Thread safety: pure functions.
#pragma once

#include "core/result.h"
#include "net/http_message.h"

namespace rt::api {

int HttpStatus(ErrorCode code);
net::HttpResponse ErrorResponse(const Error& error);

// A JSON response from a serialized body.
net::HttpResponse JsonResponse(int status, std::string body);

}  // namespace rt::api
