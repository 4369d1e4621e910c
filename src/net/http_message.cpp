#include "net/http_message.h"

namespace rt::net {
namespace {

const std::string* Lookup(const HeaderList& list, std::string_view name) {
  for (const auto& [k, v] : list) {
    if (k == name) return &v;
  }
  return nullptr;
}

}  // namespace

void AbortSignal::OnAbort(std::function<void()> fn) {
  bool fire_now;
  {
    std::lock_guard lock(mu_);
    fire_now = fired_;
    if (!fired_) fn_ = std::move(fn);
  }
  if (fire_now && fn) fn();
}

void AbortSignal::Fire() {
  std::function<void()> fn;
  {
    std::lock_guard lock(mu_);
    if (fired_) return;
    fired_ = true;
    fn = std::move(fn_);
  }
  if (fn) fn();
}

std::optional<std::string> BearerToken(const HttpRequest& req) {
  const std::string* h = req.Header("authorization");
  if (!h || h->size() <= 7) return std::nullopt;
  std::string_view scheme(h->data(), 7);
  if (scheme != "Bearer " && scheme != "bearer ") return std::nullopt;
  std::string_view token = std::string_view(*h).substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return std::string(token);
}

const std::string* HttpRequest::Header(std::string_view lower_name) const { return Lookup(headers, lower_name); }

const std::string* HttpRequest::Query(std::string_view name) const { return Lookup(query, name); }

bool IsLoopbackAddress(std::string_view ip) {
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return ip.starts_with("127.") || ip == "::1";
}

bool HttpRequest::FromLoopback() const { return IsLoopbackAddress(remote_ip); }

const std::string& HttpRequest::Param(std::string_view name) const {
  static const std::string kEmpty;
  const std::string* v = Lookup(params, name);
  return v ? *v : kEmpty;
}

}  // namespace rt::net
