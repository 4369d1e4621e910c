// Router: maps (method, path) to a handler. Patterns are '/'-separated segments where
// ":name" captures one segment (e.g. /api/topics/:name) and a final "*" captures the rest.
// Literal segments win over parameters, so /api/topics/stats beats /api/topics/:name.
// A fallback (AddFallback, e.g. the admin UI's SPA) answers the paths no route matches at all.
//
// Every route declares who may call it (Access): the table of all routes is docs/security.md,
// printed by `realtime routes`, and the API dispatcher enforces the declaration before the
// handler runs (api/dispatcher.h).
//
// Thread safety: Add during start-up only; Find is then safe from any number of threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/http_message.h"

namespace rt::net {

using Handler = std::function<HttpResponse(HttpRequest&)>;
// A handler that answers later (long-polling): it must call respond exactly once, from any thread.
using AsyncHandler = std::function<void(HttpRequest&, std::function<void(HttpResponse&&)> respond)>;

// The I/O-thread half of a read served from memory (AddWithInline): the answer, or nullopt when
// answering would block (a cache miss, a registry not loaded yet); the dispatcher then runs the
// route's Handler on the blocking pool. Must not block.
using InlineHandler = std::function<std::optional<HttpResponse>(HttpRequest&)>;

// Where a handler runs: inline on the I/O thread (must not block: health, pure CPU work), or on
// the blocking pool (anything that may touch the database).
enum class ExecMode { kInline, kBlocking };

// Who may call a route (DESIGN.md §4). Plain data: the API layer gives it meaning.
//   Public()                   anyone (health, readiness, token routes, gateway handshakes, scrape)
//   Token(resource, action)    any valid token of the application acted on
//   Need(perm, resource, action)  a token holding `perm` (roles included: admin ⊃ service ⊃ client)
// resource/action name the RBAC pair of spec/09-security.md ("topics", "create").
//   Session()                  an admin user's session (not a JWT): /api/auth/me, logout
// dev_anonymous: in NODE_ENV=development a caller on a loopback address may omit the token.
// An admin user's session is checked against resource/action (its roles' permissions); a JWT
// against `permission` (docs/security.md).
struct Access {
  enum Kind { kPublic, kToken, kPermission } kind = kToken;
  const char* permission = "";
  const char* resource = "";
  const char* action = "";
  bool dev_anonymous = false;
  bool session_only = false;

  static Access Session() { return {kToken, "", "", "", false, true}; }

  static Access Public() { return {kPublic, "", "", "", true}; }
  static Access Token(const char* resource, const char* action, bool dev_anonymous = true) {
    return {kToken, "", resource, action, dev_anonymous};
  }
  static Access Need(const char* permission, const char* resource, const char* action, bool dev_anonymous = true) {
    return {kPermission, permission, resource, action, dev_anonymous};
  }
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Access access;
  Handler handler;
  ExecMode mode = ExecMode::kBlocking;
  AsyncHandler async;  // set instead of handler for AddAsync routes (runs inline, must not block)
  InlineHandler try_inline;  // AddWithInline routes: tried first on the I/O thread
  // Set for AddFallback routes (pattern "/*"): the paths this fallback may answer.
  std::function<bool(std::string_view path)> fallback;
};

struct RouteMatch {
  enum Kind { kFound, kNotFound, kMethodNotAllowed } kind = kNotFound;
  const Route* route = nullptr;
  HeaderList params;  // when kFound
  std::string allow;  // when kMethodNotAllowed: "GET, POST"
};

class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, Access access, Handler handler,
           ExecMode mode = ExecMode::kBlocking);
  // Registers a blocking-pool route whose answer is first tried on the I/O thread (try_inline,
  // after a non-blocking access check); handler runs when either would block.
  void AddWithInline(std::string_view method, std::string_view pattern, Access access, InlineHandler try_inline,
                     Handler handler);
  // Registers an asynchronous handler (called on the I/O thread).
  void AddAsync(std::string_view method, std::string_view pattern, Access access, AsyncHandler handler);
  // Registers a catch-all, listed in routes() with the pattern "/*": Find picks it only when no
  // other route matches the path with any method and claims(path) is true; its "*" parameter is
  // the whole path. Another method on a claimed path is 405 (Allow: the fallback's method).
  void AddFallback(std::string_view method, Access access, Handler handler, ExecMode mode,
                   std::function<bool(std::string_view path)> claims);
  // Every route in registration order (the route table).
  const std::vector<Route>& routes() const { return routes_; }
  // HEAD falls back to the GET route of the same path.
  RouteMatch Find(std::string_view method, std::string_view path) const;
  size_t size() const { return routes_.size(); }

 private:
  std::vector<Route> routes_;
  // Find's candidates: the routes whose first two segments are literal, by "seg0/seg1", and the
  // others (indexes into routes_, in registration order).
  std::unordered_map<std::string, std::vector<size_t>> by_prefix_;
  std::vector<size_t> other_;
};

// Splits a path into segments ("/a/b/" -> {"a","b"}); exposed for tests.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace rt::net
