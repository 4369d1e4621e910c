// EndpointCache: the active webhook endpoints of every scope, in memory, with their secrets
// decrypted, for the fan-out (which endpoints want this event?) and the delivery worker (where
// and how to send this job?).
//
// The snapshot is immutable and swapped atomically: readers take one atomic load and never lock
// (the publish path pays one relaxed load when no endpoint exists: has_any()). Refresh() reloads
// from the repository; the API calls it after every change made here, and the composition root
// calls RefreshIfChanged() every 2 s so that changes made on another instance are seen.
//
// Ownership / lifetime: holds references to the repository and the secret box, which must outlive
// it. Thread safety: every method may be called from any thread; Refresh/RefreshIfChanged block
// on the database (never call them from an I/O thread). Failure: a failed refresh keeps the
// previous snapshot and returns the error; an endpoint whose secret cannot be decrypted (wrong
// REALTIME_SECRET_KEY) is left out and logged.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/scope.h"
#include "store/webhook_repository.h"
#include "webhooks/secret_box.h"

namespace rt::webhooks {

struct Endpoint {
  std::string id;
  Scope scope;
  std::string url;
  std::string secret;  // plaintext
  std::vector<std::string> events;
  std::vector<std::string> topics;
  std::string signature_scheme;
  int max_concurrency = 10;
  bool fifo = false;
};

class EndpointCache {
 public:
  struct Snapshot {
    std::unordered_map<std::string, std::vector<std::shared_ptr<const Endpoint>>> by_scope;  // Scope::Key()
    std::unordered_map<std::string, std::shared_ptr<const Endpoint>> by_id;
  };

  EndpointCache(store::WebhookRepository& repo, const SecretBox& box);

  Status Refresh();
  Status RefreshIfChanged();

  bool has_any() const { return has_any_.load(std::memory_order_relaxed); }
  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }
  // The active endpoint with this id, or null (deleted, deactivated, or not loaded yet).
  std::shared_ptr<const Endpoint> Find(const std::string& id) const;

 private:
  Status LoadLocked(std::string fingerprint);  // requires refresh_mu_

  store::WebhookRepository& repo_;
  const SecretBox& box_;
  std::mutex refresh_mu_;
  std::string fingerprint_;  // guarded by refresh_mu_
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_{std::make_shared<const Snapshot>()};
  std::atomic<bool> has_any_{false};
};

}  // namespace rt::webhooks
