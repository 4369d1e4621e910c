// Request-body helpers shared by the REST handlers.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "api/errors.h"
#include "core/json.h"
#include "net/http_message.h"

namespace rt::api {

// The body as a JSON object; an empty body reads as {}. ValidationError for anything else.
inline Result<boost::json::object> JsonBody(const net::HttpRequest& req) {
  return json::ParseObject(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
}

// Runs fn(body) with the parsed object, or answers 400 when the body is not a JSON object.
template <typename Fn>
net::HttpResponse WithBody(const net::HttpRequest& req, Fn&& fn) {
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(body.error());
  return fn(*body);
}

}  // namespace rt::api
