// Request and answer helpers shared by the REST handlers: JSON bodies, query parameters, and
// Result -> response.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

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

// fn(body) with the parsed JSON body of any type ({} when empty), or 400.
template <typename Fn>
net::HttpResponse WithJson(const net::HttpRequest& req, Fn&& fn) {
  auto body = json::Parse(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
  if (!body.ok()) return ErrorResponse(body.error());
  return fn(*body);
}

// 204 No Content.
inline net::HttpResponse NoContent() {
  net::HttpResponse r;
  r.status = 204;
  return r;
}

// A string member of the body. required: absent or "" is a ValidationError "<name> is required";
// otherwise absent reads as "". Anything but a string is "<name> must be a string".
inline Result<std::string> StringField(const boost::json::object& body, const char* name, bool required = true) {
  const auto* v = body.if_contains(name);
  if (v && !v->is_string()) return Error::Validation(std::string(name) + " must be a string");
  if (!v || v->get_string().empty()) {
    if (required) return Error::Validation(std::string(name) + " is required");
    return std::string();
  }
  return std::string(v->get_string());
}

// `status` with the object, or the error's response.
inline net::HttpResponse Answer(int status, const Result<boost::json::object>& r) {
  if (!r.ok()) return ErrorResponse(r.error());
  return JsonResponse(status, json::Serialize(*r));
}

// 200 with the array, or the error's response.
inline net::HttpResponse Answer(const Result<boost::json::array>& r) {
  if (!r.ok()) return ErrorResponse(r.error());
  return JsonResponse(200, json::Serialize(*r));
}

// An integer query parameter in [min, max]; fallback when absent or empty; ValidationError else.
inline Result<int64_t> IntQuery(const net::HttpRequest& req, const char* name, int64_t fallback, int64_t min,
                                int64_t max) {
  const std::string* v = req.Query(name);
  if (v == nullptr || v->empty()) return fallback;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size() || out < min || out > max)
    return Error::Validation(std::string(name) + " must be an integer between " + std::to_string(min) + " and " +
                             std::to_string(max));
  return out;
}

// A page of a log (?limit= 1..1000, default 100; ?before= ms, default 0 = newest).
struct PageQuery {
  int limit = 100;
  int64_t before = 0;
};
inline Result<PageQuery> ReadPageQuery(const net::HttpRequest& req) {
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return limit.take_error();
  auto before = IntQuery(req, "before", 0, 0, INT64_MAX);
  if (!before.ok()) return before.take_error();
  return PageQuery{static_cast<int>(*limit), *before};
}

// A query parameter, "" when absent.
inline std::string StrQuery(const net::HttpRequest& req, const char* name) {
  const std::string* v = req.Query(name);
  return v ? *v : std::string();
}

}  // namespace rt::api
