// TopicCatalog: the TopicPolicy (registry/topic_policy.h) backed by the topic registry.
//
// It answers CheckUse from an in-memory snapshot, never from the database: the set of registered
// topics per scope, and the applications whose config sets `strictTopics: true`. A snapshot is
// immutable and swapped whole (shared_ptr), so readers never see a half-loaded state.
// The snapshot also holds every topic's REST JSON (TopicToJson, serialized once per load) and
// each scope's list body, so that GET /api/topics[/:name] is answered from memory (TopicJson,
// TopicListJson) on the I/O thread. A write acknowledged by this instance is visible to them at
// once (the writer refreshes before answering; if that refresh fails they answer nullopt — read
// the database — until a load succeeds); other instances' writes within the reload RPC or poll.
//
// Keeping it current:
//   - TopicService calls Refresh() after each of its own writes (exact on this instance), and so
//     does the cluster "config.reload" question a committed deployment asks every instance
//     (app/config_reload.h) — deployments, rollbacks and config imports write topics too;
//   - the composition root calls RefreshIfChanged() periodically (every 2 s, with the signing
//     keys): it compares cheap fingerprints of `topics` and `applications` and reloads when
//     either changed, which picks up ApplicationService edits (strictTopics) and writes made by
//     other instances. Updates move updated_at strictly forward, so a fingerprint (count +
//     latest updated_at) misses a change only in rare races (two writes to different rows in the
//     same millisecond straddling a poll, a delete-then-insert under clock skew); to bound those,
//     RefreshIfChanged also reloads when the snapshot is older than 60 s.
//   - Refresh reads every topic and application: cheap for registries of hundreds of topics,
//     not meant for bulk imports of many thousands (each write reloads everything).
//
// Before the first successful load no application is known to be strict, so every well-formed
// topic is allowed (loaded() tells). Call Refresh() once the platform database is ready.
//
// Thread safety: CheckUse, IsStrict, IsRegistered, TopicJson, TopicListJson and loaded are non-blocking and safe from any
// thread (I/O threads included). Refresh/RefreshIfChanged block on the database (run them on the
// blocking pool or a background thread); concurrent calls are serialized.
// Lifetime: the repositories must outlive the catalog. Failure: Refresh* return the database
// error and keep the previous snapshot.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "registry/topic_policy.h"
#include "store/application_repository.h"
#include "store/topic_repository.h"

namespace rt::registry {

class TopicCatalog final : public TopicPolicy {
 public:
  TopicCatalog(store::TopicRepository& topics, store::ApplicationRepository& apps) : topics_(topics), apps_(apps) {}

  // Ok; ValidationError for a malformed topic; NotFoundError when the application has
  // strictTopics enabled and the topic is not registered in that scope.
  Status CheckUse(const Scope& scope, std::string_view topic) const override;

  bool IsStrict(const std::string& application_id) const;
  bool IsRegistered(const Scope& scope, std::string_view name) const;
  bool loaded() const;

  // The body of GET /api/topics/:name (TopicToJson, serialized), or NotFoundError "Topic not
  // found: <name>"; nullopt when memory cannot answer for certain (not loaded yet, or the last
  // Refresh failed and no load succeeded since): read the database then.
  std::optional<Result<std::string>> TopicJson(const Scope& scope, const std::string& name) const;
  // The body of GET /api/topics: the scope's topics ordered by name (byte-wise), a JSON array.
  // nullopt as for TopicJson.
  std::optional<std::string> TopicListJson(const Scope& scope) const;

  // Reloads topics and applications from the database. On failure the REST reads above answer
  // nullopt until a load succeeds (a write this instance acknowledged may be missing).
  Status Refresh();
  // Reloads only when either table changed since the last load, or the snapshot is 60 s old.
  Status RefreshIfChanged();

  // Called after a reload with the applications that were in the previous snapshot and are
  // gone (deleted on any instance; seen within the 2 s poll). Runs on the reloading thread
  // with the reload lock held: must not block or call back into the catalog. Any thread;
  // pass nullptr to stop.
  void SetRemovalListener(std::function<void(const std::vector<std::string>&)> listener);

 private:
  struct Snapshot {
    bool loaded = false;
    std::unordered_set<std::string> strict_apps;  // application ids
    std::unordered_set<std::string> registered;   // RegisteredKey(scope, name)
    std::unordered_set<std::string> applications;  // every application id
    struct ScopeTopics {
      std::string list_json;                              // GET /api/topics
      std::unordered_map<std::string, std::string> json;  // name -> GET /api/topics/:name
    };
    std::unordered_map<std::string, ScopeTopics> by_scope;  // Scope::Key() -> its topics
  };

  struct Fingerprints {
    std::string topics, apps;
    bool operator==(const Fingerprints&) const = default;
  };

  std::shared_ptr<const Snapshot> Current() const;
  Result<Fingerprints> ReadFingerprints();  // requires refresh_mu_
  Status Load(Fingerprints fp);             // requires refresh_mu_

  store::TopicRepository& topics_;
  store::ApplicationRepository& apps_;

  mutable std::shared_mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_ = std::make_shared<const Snapshot>();  // guarded by mu_
  std::atomic<bool> refresh_failed_{false};  // a Refresh failed and no load succeeded since

  std::mutex refresh_mu_;
  Fingerprints fingerprints_;                          // guarded by refresh_mu_
  std::chrono::steady_clock::time_point loaded_at_{};  // guarded by refresh_mu_
  std::function<void(const std::vector<std::string>&)> on_removed_;  // guarded by refresh_mu_
};

}  // namespace rt::registry
