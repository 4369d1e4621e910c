// HttpClient: the outbound HTTP/1.1 client that POSTs webhook deliveries (Beast + OpenSSL).
//
// One request = parse the URL (webhooks/address_policy.h) -> resolve the host -> classify EVERY
// resolved address with the SSRF policy and connect only to allowed ones (to the checked
// endpoint objects themselves, never resolving twice, so DNS rebinding cannot bypass the check)
// -> TLS handshake for https (SNI, peer verification against the system trust store plus
// options.ca_file, host-name verification, TLS >= 1.2) -> write -> read the response.
// options.timeout bounds all of it together.
//
// Connections are kept alive and pooled per scheme://host:port (at most max_idle_per_host idle
// ones each, closed after idle_timeout). A pooled connection the server has closed is noticed
// before use when possible; if a reused connection still fails before any response byte arrives,
// the request is sent once more on a fresh connection (the receiver may then see a delivery
// twice, which webhooks allow: deliveries are at-least-once). `Connection: close` from the server,
// an unread body or an HTTP/1.0 response without keep-alive retire the connection.
//
// Ownership and lifetime: HttpClient owns its io_context and `threads` threads, started by the
// constructor; the destructor calls Stop(). Thread safety: Post, Stop and stats may be called
// from any thread, except that Stop (and the destructor) must not be called from inside a
// callback (it joins the client threads). Callbacks run on a client thread, exactly once per
// Post; with threads > 1 different requests' callbacks may run concurrently. A callback must
// not block for long (it stalls every request on that thread) and must not throw (an exception
// is logged and dropped).
//
// Failure: never throws after construction; every outcome is an HttpResult. The constructor
// throws std::runtime_error when options.ca_file cannot be loaded (a start-up error).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rt::webhooks {

struct HttpClientOptions {
  std::string ca_file;  // extra PEM CA bundle (REALTIME_WEBHOOK_CA_FILE); system default paths always loaded
  bool allow_private = false;                     // SSRF: REALTIME_WEBHOOK_ALLOW_PRIVATE (see Allowed())
  std::chrono::milliseconds timeout{10000};       // whole request: resolve+connect+TLS+write+read
  size_t max_idle_per_host = 32;                  // idle keep-alive connections kept per origin; 0: none
  std::chrono::milliseconds idle_timeout{30000};  // an idle connection older than this is closed
  size_t response_prefix_bytes = 1024;            // how much of the response body is kept (for logs)
  size_t max_response_bytes = 1 << 20;            // body bytes read at most; beyond: truncated, closed
  std::string user_agent = "realtime-webhooks/1";
};

struct HttpRequestSpec {
  std::string url;
  // Sent as given, after Host, User-Agent and Content-Length, which the client sets itself (a
  // Host, Content-Length, Transfer-Encoding or Connection given here is ignored; a User-Agent
  // replaces options.user_agent). A name that is not an HTTP token, or a value containing CR,
  // LF or NUL, fails the request (permanent).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string method = "POST";  // "POST" (webhook deliveries) or "GET" (the CLI's config export)
};

struct HttpResult {
  int status = 0;  // HTTP status; 0 when no response was received
  // "" when a response arrived (status != 0); otherwise a short reason: "timeout",
  // "connection refused", "connection reset", "connection closed before response",
  // "dns: host not found", "tls: certificate verify failed: <detail>", "tls: <detail>",
  // "address refused: loopback 127.0.0.1", "invalid webhook URL: <why>", "client stopped"...
  std::string error;
  bool permanent = false;      // a refusal retrying cannot fix: SSRF refusal, invalid URL or header
  std::string body_prefix;     // the first response_prefix_bytes of the body
  bool body_truncated = false; // the body was not read to its end (over max_response_bytes, or the
                               // connection failed or timed out mid-body; status is still valid)
  int64_t duration_ms = 0;     // from Post to the callback
  bool reused_connection = false;  // the response came over a pooled keep-alive connection
  std::string remote_address;      // "ip:port" (IPv6 bracketed) connected to; "" when none

  // A 2xx response arrived.
  bool success() const { return error.empty() && status >= 200 && status < 300; }
};

class HttpClient {
 public:
  // Starts `threads` threads (at least 1) running the client's io_context.
  explicit HttpClient(HttpClientOptions options, size_t threads = 1);
  ~HttpClient();  // Stop()

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Callback = std::function<void(HttpResult)>;

  // Starts a POST of request.body to request.url; `done` gets the outcome on a client thread,
  // exactly once. After Stop, `done` runs at once on the calling thread with "client stopped".
  void Post(HttpRequestSpec request, Callback done);

  // Cancels in-flight requests (their callbacks get error "client stopped"), closes pooled
  // connections and joins the threads. Idempotent. Blocks at most for a DNS lookup in progress
  // (getaddrinfo cannot be interrupted).
  void Stop();

  struct Stats {
    uint64_t requests = 0;            // Post calls accepted (before Stop)
    uint64_t connections_opened = 0;  // TCP connections established
    uint64_t reused = 0;              // requests answered over a pooled connection
    uint64_t stale_retries = 0;       // reused connections that failed before a response and were retried
    uint64_t idle = 0;                // idle pooled connections now
  };
  Stats stats() const;

  struct Impl;  // webhooks/http_client_impl.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rt::webhooks
