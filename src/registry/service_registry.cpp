#include "registry/service_registry.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/ids.h"

namespace rt::registry {
namespace {

constexpr size_t kMaxName = 100;
constexpr size_t kMaxDescription = 1000;
constexpr auto kSnapshotTtl = std::chrono::seconds(2);

Status ValidateName(const boost::json::value* v, bool required) {
  if (!v) return required ? Error::Validation("name is required") : Ok();
  if (!v->is_string()) return Error::Validation("name must be a string");
  std::string_view name(v->get_string().data(), v->get_string().size());
  if (!IsValidServiceName(name))
    return Error::Validation("Invalid service name '" + std::string(name.substr(0, kMaxName)) +
                             "': must match ^[a-z][a-z0-9_-]*$ (at most 100 characters), e.g. session");
  return Ok();
}

Status ValidateDescription(const boost::json::value* v) {
  if (!v || v->is_null()) return Ok();
  if (!v->is_string()) return Error::Validation("description must be a string");
  if (v->get_string().size() > kMaxDescription) return Error::Validation("description must be at most 1000 characters");
  return Ok();
}

void Apply(const boost::json::object& input, store::SyncService& s) {
  if (auto* n = input.if_contains("name")) s.name = std::string(n->get_string());
  if (auto* d = input.if_contains("description")) s.description = d->is_null() ? "" : std::string(d->get_string());
}

// A random (version 4) UUID, as in spec/19's examples.
std::string NewUuid() {
  std::string h = RandomHex(16);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace

bool IsValidServiceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxName || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string IsoTime(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

boost::json::object ServiceToJson(const store::SyncService& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"description", s.description},
          {"applicationId", s.application_id},
          {"createdAt", IsoTime(s.created_at)},
          {"updatedAt", IsoTime(s.updated_at)}};
}

Result<std::vector<store::SyncService>> ServiceRegistry::List(const std::string& application_id) {
  return repo_.List(application_id);
}

Result<store::SyncService> ServiceRegistry::Get(const std::string& application_id, const std::string& id) {
  return repo_.Get(application_id, id);
}

Result<store::SyncService> ServiceRegistry::Create(const std::string& application_id,
                                                   const boost::json::object& input) {
  RT_TRY(ValidateName(input.if_contains("name"), true));
  RT_TRY(ValidateDescription(input.if_contains("description")));
  store::SyncService s;
  s.id = NewUuid();
  s.application_id = application_id;
  Apply(input, s);
  s.created_at = s.updated_at = NowMs();
  RT_TRY(repo_.Insert(s));
  Invalidate(application_id);
  return s;
}

Result<store::SyncService> ServiceRegistry::Update(const std::string& application_id, const std::string& id,
                                                   const boost::json::object& patch) {
  RT_TRY(ValidateName(patch.if_contains("name"), false));
  RT_TRY(ValidateDescription(patch.if_contains("description")));
  auto current = repo_.Get(application_id, id);
  if (!current.ok()) return current.take_error();
  store::SyncService s = std::move(*current);
  Apply(patch, s);
  s.updated_at = std::max(NowMs(), s.updated_at);
  RT_TRY(repo_.Update(s));
  Invalidate(application_id);
  return s;
}

Status ServiceRegistry::Delete(const std::string& application_id, const std::string& id) {
  RT_TRY(repo_.Delete(application_id, id));
  Invalidate(application_id);
  return Ok();
}

Status ServiceRegistry::CheckUse(const std::string& application_id, const std::string& service) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(application_id);
    if (it != cache_.end() && now - it->second.loaded < kSnapshotTtl) {
      if (!it->second.strict || it->second.names.count(service)) return Ok();
      return Error::NotFound("Service not registered: " + service + " (application " + application_id +
                             " sets strictServices)");
    }
  }
  auto snapshot = Load(application_id);
  if (!snapshot.ok()) return snapshot.take_error();
  bool allowed = !snapshot->strict || snapshot->names.count(service) > 0;
  {
    std::lock_guard lock(mu_);
    cache_[application_id] = std::move(*snapshot);
  }
  if (allowed) return Ok();
  return Error::NotFound("Service not registered: " + service + " (application " + application_id +
                         " sets strictServices)");
}

Result<ServiceRegistry::Snapshot> ServiceRegistry::Load(const std::string& application_id) {
  Snapshot snap;
  snap.loaded = std::chrono::steady_clock::now();
  auto app = apps_.Get(application_id);
  if (!app.ok()) return app.take_error();
  if (auto* v = app->config.if_contains("strictServices"); v && v->is_bool()) snap.strict = v->get_bool();
  if (!snap.strict) return snap;
  auto list = repo_.List(application_id);
  if (!list.ok()) return list.take_error();
  for (auto& s : *list) snap.names.insert(std::move(s.name));
  return snap;
}

void ServiceRegistry::Invalidate(const std::string& application_id) {
  std::lock_guard lock(mu_);
  cache_.erase(application_id);
}

}  // namespace rt::registry
