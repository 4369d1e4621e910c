#include "gateway/connection_limiter.h"

#include <mutex>
#include <unordered_map>

#include "core/json.h"

namespace rt::gateway {

struct ConnectionLimiter::State {
  State(size_t total_cap, size_t ip_cap) : max_total(total_cap), max_per_ip(ip_cap) {}
  const size_t max_total;
  const size_t max_per_ip;
  mutable std::mutex mu;
  size_t total = 0;                                // guarded by mu
  std::unordered_map<std::string, size_t> per_ip;  // guarded by mu (only when max_per_ip > 0)
  uint64_t refused = 0;                            // guarded by mu
};

class ConnectionLimiter::Lease {
 public:
  Lease(std::shared_ptr<State> state, std::string ip) : state_(std::move(state)), ip_(std::move(ip)) {}
  ~Lease() {
    std::lock_guard lock(state_->mu);
    --state_->total;
    if (state_->max_per_ip == 0) return;
    auto it = state_->per_ip.find(ip_);
    if (it != state_->per_ip.end() && --it->second == 0) state_->per_ip.erase(it);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

 private:
  std::shared_ptr<State> state_;
  std::string ip_;
};

namespace {

net::HttpResponse Refusal(const std::string& message) {
  std::string body = "{\"error\":\"ServiceUnavailableError\",\"message\":";
  json::AppendQuoted(body, message);
  body += '}';
  net::HttpResponse r = net::HttpResponse::Json(503, std::move(body));
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

}  // namespace

ConnectionLimiter::ConnectionLimiter(size_t max_total, size_t max_per_ip)
    : state_(std::make_shared<State>(max_total, max_per_ip)) {}

std::shared_ptr<ConnectionLimiter::Lease> ConnectionLimiter::TryAcquire(const std::string& ip,
                                                                        net::HttpResponse* refusal) {
  std::lock_guard lock(state_->mu);
  if (state_->total >= state_->max_total) {
    ++state_->refused;
    if (refusal) *refusal = Refusal("Too many connections on this server (max " + std::to_string(state_->max_total) + ")");
    return nullptr;
  }
  if (state_->max_per_ip > 0) {
    size_t& n = state_->per_ip[ip];
    if (n >= state_->max_per_ip) {
      ++state_->refused;
      if (refusal)
        *refusal = Refusal("Too many connections from this address (max " + std::to_string(state_->max_per_ip) + ")");
      return nullptr;
    }
    ++n;
  }
  ++state_->total;
  return std::make_shared<Lease>(state_, ip);
}

size_t ConnectionLimiter::active() const {
  std::lock_guard lock(state_->mu);
  return state_->total;
}

uint64_t ConnectionLimiter::refused() const {
  std::lock_guard lock(state_->mu);
  return state_->refused;
}

}  // namespace rt::gateway
