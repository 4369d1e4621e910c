#include "registry/application_service.h"

#include "registry/secrets.h"

#include <algorithm>
#include <boost/url/parse.hpp>

#include "core/ids.h"

namespace rt::registry {
namespace {

constexpr auto kResolveTtl = std::chrono::seconds(5);
constexpr size_t kMaxName = 100;
constexpr size_t kMaxDescription = 1000;

Status ValidateName(const boost::json::value* v) {
  if (!v || !v->is_string()) return Error::Validation("name is required and must be a string");
  const auto& s = v->get_string();
  if (s.empty() || s.size() > kMaxName) return Error::Validation("name must be 1-100 characters");
  return Ok();
}

Status ValidateDescription(const boost::json::value* v) {
  if (!v || v->is_null()) return Ok();
  if (!v->is_string()) return Error::Validation("description must be a string");
  if (v->get_string().size() > kMaxDescription) return Error::Validation("description must be at most 1000 characters");
  return Ok();
}

}  // namespace

bool IsValidEnvironment(std::string_view env) {
  return std::find(kEnvironments.begin(), kEnvironments.end(), env) != kEnvironments.end();
}

Status ValidateApplicationConfig(const boost::json::object& config) {
  if (auto* cdc = config.if_contains("cdc")) {
    if (!cdc->is_object()) return Error::Validation("config.cdc must be an object keyed by environment");
    for (const auto& kv : cdc->get_object()) {
      std::string key(kv.key());
      if (!IsValidEnvironment(key))
        return Error::Validation("config.cdc." + key + ": unknown environment (development, staging, production)");
      if (kv.value().is_null()) continue;
      if (!kv.value().is_string())
        return Error::Validation("config.cdc." + key + " must be a PostgreSQL connection URL");
      auto u = boost::urls::parse_uri(kv.value().get_string());
      if (!u || (u->scheme() != "postgres" && u->scheme() != "postgresql"))
        return Error::Validation("config.cdc." + key + " must be a postgres:// or postgresql:// URL");
    }
  }
  for (const char* flag : {"strictTopics", "strictServices"}) {
    if (auto* v = config.if_contains(flag); v && !v->is_bool())
      return Error::Validation(std::string("config.") + flag + " must be a boolean");
  }
  return Ok();
}

boost::json::object ApplicationToJson(const store::Application& app, bool reveal_secrets) {
  boost::json::value config = app.config;
  if (!reveal_secrets) RedactSecrets(config);
  return {{"id", app.id},
          {"name", app.name},
          {"description", app.description},
          {"config", std::move(config)},
          {"createdAt", app.created_at},
          {"updatedAt", app.updated_at}};
}

Status ApplicationService::EnsureDefault() {
  store::Application app{kDefaultApplicationId, "Default", "Created on first start", {}, NowMs(), NowMs()};
  auto r = repo_.InsertIfAbsent(app);
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::vector<store::Application>> ApplicationService::List() { return repo_.List(); }

Result<store::Application> ApplicationService::Get(const std::string& id) { return repo_.Get(id); }

Result<store::Application> ApplicationService::Create(const boost::json::object& input) {
  RT_TRY(ValidateName(input.if_contains("name")));
  RT_TRY(ValidateDescription(input.if_contains("description")));
  store::Application app;
  if (auto* cfg = input.if_contains("config"); cfg && !cfg->is_null()) {
    if (!cfg->is_object()) return Error::Validation("config must be an object");
    RT_TRY(ValidateApplicationConfig(cfg->get_object()));
    app.config = cfg->get_object();
  }
  app.id = NewId("app");
  app.name = std::string(input.at("name").get_string());
  if (auto* d = input.if_contains("description"); d && d->is_string()) app.description = std::string(d->get_string());
  app.created_at = app.updated_at = NowMs();
  RT_TRY(repo_.Insert(app));
  return app;
}

Result<store::Application> ApplicationService::Update(const std::string& id, const boost::json::object& patch) {
  if (patch.contains("name")) RT_TRY(ValidateName(patch.if_contains("name")));
  RT_TRY(ValidateDescription(patch.if_contains("description")));
  auto* cfg = patch.if_contains("config");
  if (cfg && !cfg->is_object()) return Error::Validation("config must be an object");
  auto current = repo_.Get(id);
  if (!current.ok()) return current.take_error();
  store::Application app = std::move(*current);
  if (auto* n = patch.if_contains("name")) app.name = std::string(n->get_string());
  if (auto* d = patch.if_contains("description")) app.description = d->is_string() ? std::string(d->get_string()) : "";
  if (cfg) {
    for (const auto& kv : cfg->get_object()) {
      if (kv.value().is_null()) {
        app.config.erase(kv.key());
      } else {
        app.config[kv.key()] = kv.value();
      }
    }
    RT_TRY(ValidateApplicationConfig(app.config));
  }
  // Strictly increasing, so that fingerprints (count + latest updated_at) see every update.
  app.updated_at = std::max({NowMs(), app.created_at, app.updated_at + 1});
  RT_TRY(repo_.Update(app));
  return app;
}

Status ApplicationService::Delete(const std::string& id) {
  if (id == kDefaultApplicationId) return Error::Validation("The default application cannot be deleted");
  RT_TRY(repo_.Delete(id));
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lock(mu_);
    known_.erase(id);
    listener = on_deleted_;
  }
  if (listener) listener(id);
  return Ok();
}

void ApplicationService::SetDeletionListener(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(mu_);
  on_deleted_ = std::move(listener);
}

bool ApplicationService::IsKnown(const std::string& id) {
  auto now = std::chrono::steady_clock::now();
  std::shared_lock lock(mu_);
  auto it = known_.find(id);
  return it != known_.end() && it->second > now;
}

Status ApplicationService::Resolve(const std::string& id) {
  auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(mu_);
    auto it = known_.find(id);
    if (it != known_.end() && it->second > now) return Ok();
  }
  auto app = repo_.Get(id);
  if (!app.ok()) return app.take_error();
  std::lock_guard lock(mu_);
  if (known_.size() > 10000) known_.clear();
  known_[id] = now + kResolveTtl;
  return Ok();
}

}  // namespace rt::registry
