// Dispatcher: the request pipeline between the HTTP server and the route handlers.
//   CORS (OPTIONS preflight answered here; allowed origins get Access-Control-* headers on every
//   response) -> route lookup (404 / 405 with Allow) -> body content-type check (415) -> the route's
//   declared access (AuthGate::Guard: 401/403 before the handler runs) -> run the handler inline or
//   on the blocking pool (a route with an InlineHandler is first tried on the I/O thread, after
//   AuthGate::TryGuardInline) -> an uncaught exception becomes a 500 -> access log (debug).
// Handlers return Result-based responses through api/errors.h; they never see sockets.
//
// Thread safety: Handle may be called from any I/O thread concurrently. The router must be
// complete before the first request. Lifetime: must outlive the HttpServer that calls it.
#pragma once

#include <functional>

#include "api/auth.h"
#include "core/thread_pool.h"
#include "net/cors.h"
#include "net/http_server.h"
#include "net/router.h"

namespace rt::api {

class Dispatcher {
 public:
  Dispatcher(net::Router& router, ThreadPool& blocking, const AuthGate& gate, net::CorsPolicy cors = {})
      : router_(router), blocking_(blocking), gate_(gate), cors_(std::move(cors)) {}

  void Handle(net::HttpRequest&& req, net::Responder respond);

  // Runs on the blocking-pool thread after every handler there, before the answer is sent: a
  // durability barrier (the webhooks' fan-out waits until what this request enqueued is stored,
  // so that an acknowledged request is never lost). Set during start-up only.
  void SetAfterHandler(std::function<void()> barrier) { after_handler_ = std::move(barrier); }
  // Called on the blocking thread after each non-inline route's handler with its status (the
  // audit log of management writes, api/identity_api.h). Set during start-up only.
  using Auditor = std::function<void(const net::Route&, const net::HttpRequest&, int status)>;
  void SetAuditor(Auditor auditor) { auditor_ = std::move(auditor); }

 private:
  net::Router& router_;
  ThreadPool& blocking_;
  const AuthGate& gate_;
  const net::CorsPolicy cors_;
  std::function<void()> after_handler_;
  Auditor auditor_;
};

}  // namespace rt::api
