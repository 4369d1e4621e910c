#include "webhooks/endpoint_cache.h"

#include "core/log.h"

namespace rt::webhooks {

EndpointCache::EndpointCache(store::WebhookRepository& repo, const SecretBox& box) : repo_(repo), box_(box) {}

Status EndpointCache::Refresh() {
  std::lock_guard lock(refresh_mu_);
  auto fp = repo_.Fingerprint();
  if (!fp.ok()) return fp.take_error();
  return LoadLocked(std::move(*fp));
}

Status EndpointCache::RefreshIfChanged() {
  std::lock_guard lock(refresh_mu_);
  auto fp = repo_.Fingerprint();
  if (!fp.ok()) return fp.take_error();
  if (*fp == fingerprint_) return Ok();
  return LoadLocked(std::move(*fp));
}

Status EndpointCache::LoadLocked(std::string fingerprint) {
  auto rows = repo_.ListActive();
  if (!rows.ok()) return rows.take_error();
  auto next = std::make_shared<Snapshot>();
  for (auto& row : *rows) {
    auto secret = box_.Open(row.secret);
    if (!secret.ok()) {
      log::Error("webhook endpoint secret cannot be decrypted; the endpoint receives nothing (wrong "
                 "REALTIME_SECRET_KEY?)",
                 {{"webhookId", row.id}, {"error", secret.error().message}});
      continue;
    }
    auto e = std::make_shared<Endpoint>();
    e->id = row.id;
    e->scope = Scope{row.application_id, row.environment};
    e->url = std::move(row.url);
    e->secret = std::move(*secret);
    e->events = std::move(row.events);
    e->topics = std::move(row.topics);
    e->signature_scheme = std::move(row.signature_scheme);
    e->max_concurrency = row.max_concurrency > 0 ? row.max_concurrency : 10;
    e->fifo = row.ordering == "fifo";
    next->by_scope[e->scope.Key()].push_back(e);
    next->by_id.emplace(e->id, e);
  }
  fingerprint_ = std::move(fingerprint);
  has_any_.store(!next->by_id.empty(), std::memory_order_relaxed);
  snapshot_.store(std::shared_ptr<const Snapshot>(std::move(next)));
  return Ok();
}

std::shared_ptr<const Endpoint> EndpointCache::Find(const std::string& id) const {
  auto snap = snapshot();
  auto it = snap->by_id.find(id);
  return it == snap->by_id.end() ? nullptr : it->second;
}

}  // namespace rt::webhooks
