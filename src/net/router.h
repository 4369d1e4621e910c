// Router: maps (method, path) to a handler. Patterns are '/'-separated segments where
// ":name" captures one segment (e.g. /api/topics/:name) and a final "*" captures the rest.
// Literal segments win over parameters, so /api/topics/stats beats /api/topics/:name.
//
// Thread safety: Add during start-up only; Find is then safe from any number of threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.h"

namespace rt::net {

using Handler = std::function<HttpResponse(HttpRequest&)>;
// A handler that answers later (long-polling): it must call respond exactly once, from any thread.
using AsyncHandler = std::function<void(HttpRequest&, std::function<void(HttpResponse&&)> respond)>;

// Where a handler runs: inline on the I/O thread (must not block: health, pure CPU work), or on
// the blocking pool (anything that may touch the database).
enum class ExecMode { kInline, kBlocking };

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  ExecMode mode = ExecMode::kBlocking;
  AsyncHandler async;  // set instead of handler for AddAsync routes (runs inline, must not block)
};

struct RouteMatch {
  enum Kind { kFound, kNotFound, kMethodNotAllowed } kind = kNotFound;
  const Route* route = nullptr;
  HeaderList params;  // when kFound
  std::string allow;  // when kMethodNotAllowed: "GET, POST"
};

class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, Handler handler, ExecMode mode = ExecMode::kBlocking);
  // Registers an asynchronous handler (called on the I/O thread).
  void AddAsync(std::string_view method, std::string_view pattern, AsyncHandler handler);
  // HEAD falls back to the GET route of the same path.
  RouteMatch Find(std::string_view method, std::string_view path) const;
  size_t size() const { return routes_.size(); }

 private:
  std::vector<Route> routes_;
};

// Splits a path into segments ("/a/b/" -> {"a","b"}); exposed for tests.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace rt::net
