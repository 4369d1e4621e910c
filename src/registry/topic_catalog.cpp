#include "registry/topic_catalog.h"

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
  std::lock_guard lock(mu_);
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
  if (!fp.ok()) return fp.take_error();
  return Load(std::move(*fp));
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
  for (const auto& t : *topics) next->registered.insert(RegisteredKey(t.scope, t.name));
  {
    std::lock_guard lock(mu_);
    snapshot_ = std::move(next);
  }
  fingerprints_ = std::move(fp);
  loaded_at_ = std::chrono::steady_clock::now();
  if (!removed.empty() && on_removed_) on_removed_(removed);
  return Ok();
}

}  // namespace rt::registry
