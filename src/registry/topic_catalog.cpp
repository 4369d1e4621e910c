#include "registry/topic_catalog.h"

#include "core/json.h"
#include "registry/topic_service.h"

namespace rt::registry {
namespace {

constexpr auto kMaxSnapshotAge = std::chrono::seconds(60);

std::string RegisteredKey(const Scope& scope, std::string_view name) {
  std::string key = scope.Key();
  key += '\x1f';
  key += name;
  return key;
}

bool StrictTopics(const store::Application& app) {
  const auto* v = app.config.if_contains("strictTopics");
  return v && v->is_bool() && v->get_bool();
}

}  // namespace

std::shared_ptr<const TopicCatalog::Snapshot> TopicCatalog::Current() const {
  std::shared_lock lock(mu_);  // every publish and topic read: readers never wait for each other
  return snapshot_;
}

Status TopicCatalog::CheckUse(const Scope& scope, std::string_view topic) const {
  RT_TRY(OpenTopicPolicy().CheckUse(scope, topic));
  // The platform's own topics (sync document events, presence, direct messages) are defined by
  // the platform, not registered by users: strictTopics does not apply to them.
  if (topic.starts_with("sync.") || topic.starts_with("presence:") || topic.starts_with("direct:")) return Ok();
  auto snap = Current();
  if (!snap->strict_apps.contains(scope.application_id)) return Ok();
  if (snap->registered.contains(RegisteredKey(scope, topic))) return Ok();
  return Error::NotFound("Topic not registered: " + std::string(topic) + " (application " + scope.application_id +
                         " has strictTopics enabled; register it in environment " + scope.environment + ")");
}

bool TopicCatalog::IsStrict(const std::string& application_id) const {
  return Current()->strict_apps.contains(application_id);
}

bool TopicCatalog::IsRegistered(const Scope& scope, std::string_view name) const {
  return Current()->registered.contains(RegisteredKey(scope, name));
}

bool TopicCatalog::loaded() const { return Current()->loaded; }

std::optional<Result<std::string>> TopicCatalog::TopicJson(const Scope& scope, const std::string& name) const {
  auto snap = Current();
  if (!snap->loaded || refresh_failed_.load(std::memory_order_acquire)) return std::nullopt;
  auto it = snap->by_scope.find(scope.Key());
  if (it != snap->by_scope.end()) {
    if (auto t = it->second.json.find(name); t != it->second.json.end()) return Result<std::string>(t->second);
  }
  return Result<std::string>(store::TopicNotFound(name));
}

std::optional<std::string> TopicCatalog::TopicListJson(const Scope& scope) const {
  auto snap = Current();
  if (!snap->loaded || refresh_failed_.load(std::memory_order_acquire)) return std::nullopt;
  auto it = snap->by_scope.find(scope.Key());
  return it == snap->by_scope.end() ? std::string("[]") : it->second.list_json;
}

Result<TopicCatalog::Fingerprints> TopicCatalog::ReadFingerprints() {
  auto topics = topics_.Fingerprint();
  if (!topics.ok()) return topics.take_error();
  auto apps = apps_.Fingerprint();
  if (!apps.ok()) return apps.take_error();
  return Fingerprints{std::move(*topics), std::move(*apps)};
}

Status TopicCatalog::Refresh() {
  std::lock_guard lock(refresh_mu_);
  auto fp = ReadFingerprints();
  Status st = fp.ok() ? Load(std::move(*fp)) : Status(fp.take_error());
  if (!st.ok()) refresh_failed_.store(true, std::memory_order_release);
  return st;
}

void TopicCatalog::SetRemovalListener(std::function<void(const std::vector<std::string>&)> listener) {
  std::lock_guard lock(refresh_mu_);
  on_removed_ = std::move(listener);
}

Status TopicCatalog::RefreshIfChanged() {
  std::lock_guard lock(refresh_mu_);
  auto fp = ReadFingerprints();
  if (!fp.ok()) return fp.take_error();
  bool fresh = std::chrono::steady_clock::now() - loaded_at_ < kMaxSnapshotAge;
  if (fresh && *fp == fingerprints_ && loaded()) return Ok();
  return Load(std::move(*fp));
}

// The fingerprints are read before the lists: a change landing in between makes the stored
// fingerprints stale, so the next poll reloads.
Status TopicCatalog::Load(Fingerprints fp) {
  auto topics = topics_.ListAll();
  if (!topics.ok()) return topics.take_error();
  auto apps = apps_.List();
  if (!apps.ok()) return apps.take_error();

  auto next = std::make_shared<Snapshot>();
  next->loaded = true;
  for (const auto& app : *apps) {
    next->applications.insert(app.id);
    if (StrictTopics(app)) next->strict_apps.insert(app.id);
  }
  std::vector<std::string> removed;
  for (const auto& id : Current()->applications) {
    if (!next->applications.contains(id)) removed.push_back(id);
  }
  next->registered.reserve(topics->size());
  for (const auto& t : *topics) {  // ordered by scope, then name
    next->registered.insert(RegisteredKey(t.scope, t.name));
    std::string body = json::Serialize(TopicToJson(t));
    auto& rows = next->by_scope[t.scope.Key()];
    rows.list_json += rows.list_json.empty() ? "[" : ",";
    rows.list_json += body;
    rows.json.emplace(t.name, std::move(body));
  }
  for (auto& [key, rows] : next->by_scope) rows.list_json += ']';
  {
    std::unique_lock lock(mu_);
    snapshot_ = std::move(next);
  }
  refresh_failed_.store(false, std::memory_order_release);
  fingerprints_ = std::move(fp);
  loaded_at_ = std::chrono::steady_clock::now();
  if (!removed.empty() && on_removed_) on_removed_(removed);
  return Ok();
}

}  // namespace rt::registry
