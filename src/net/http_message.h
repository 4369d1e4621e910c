// Plain HTTP request/response values handed between the network layer and the handlers.
// No Beast types here: business logic and handlers include this header, not Beast.
//
// Thread safety: plain values; a request belongs to the one handler invocation that got it.
#pragma once

#include <any>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rt::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct StreamSpec;  // net/response_stream.h

// Tells an asynchronous handler that the client went away before the response was written.
// Fire() runs the handler at most once; OnAbort() may be called from any thread.
class AbortSignal {
 public:
  void OnAbort(std::function<void()> fn);
  void Fire();

 private:
  std::mutex mu_;
  std::function<void()> fn_;  // guarded by mu_
  bool fired_ = false;        // guarded by mu_
};

struct HttpRequest {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // raw request target
  std::string path;    // percent-decoded path, no query
  HeaderList query;    // decoded query parameters in order
  HeaderList headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  HeaderList params;  // path parameters, filled by the router
  std::shared_ptr<AbortSignal> abort;  // set by the server; fires if the client disconnects first
  size_t shard = 0;                     // the I/O thread (shard) handling this request
  std::any auth;  // the caller as authenticated by the API dispatcher (an auth::Principal), if it did

  // True if the peer address is loopback (127.0.0.0/8, ::1, ::ffff:127.x.x.x).
  bool FromLoopback() const;

  // First value of a header (name must be lower case), or nullptr.
  const std::string* Header(std::string_view lower_name) const;
  const std::string* Query(std::string_view name) const;
  // Path parameter by name; empty string if absent.
  const std::string& Param(std::string_view name) const;
};

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.0.0.1).
bool IsLoopbackAddress(std::string_view ip);

// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or nullopt.
std::optional<std::string> BearerToken(const HttpRequest& req);

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;
  bool close = false;  // close the connection after writing
  // Set (EventStreamResponse, net/response_stream.h): the body is streamed, not `body`.
  std::shared_ptr<StreamSpec> stream;

  static HttpResponse Json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace rt::net
