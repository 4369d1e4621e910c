// ApplicationService: tenants (applications) and their environments.
//
// Every entity and event is scoped by (application, environment). The `default` application is
// created on first start and cannot be deleted. Environments are development | staging |
// production; `config.cdc.<environment>` holds that environment's CDC database URL.
//
// Create/Update validate the input object as sent by the REST API (ValidationError on bad
// input; nothing is written then). Resolve() is the per-request check behind X-Application-Id;
// it caches known ids for a few seconds so that the request path rarely touches the database
// (a deletion on another instance is noticed within that time).
//
// Thread safety: all methods may be called from any thread. They block on the database, except
// IsKnown.
#pragma once

#include <array>

#include <chrono>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "store/application_repository.h"

namespace rt::registry {

inline constexpr const char* kDefaultApplicationId = "default";
inline constexpr const char* kDefaultEnvironment = "development";

// Every environment, in promotion order.
inline constexpr std::array<const char*, 3> kEnvironments{"development", "staging", "production"};
bool IsValidEnvironment(std::string_view env);

// Validates an application's config object (cdc URLs per environment, strict* flags).
Status ValidateApplicationConfig(const boost::json::object& config);

// The JSON shape returned by the REST API.
// The REST shape. Secrets in config (URL passwords, secret members) are masked unless
// reveal_secrets (registry/secrets.h).
boost::json::object ApplicationToJson(const store::Application& app, bool reveal_secrets = false);

class ApplicationService {
 public:
  explicit ApplicationService(store::ApplicationRepository& repo) : repo_(repo) {}

  // Creates the default application if missing. Idempotent and safe across instances.
  Status EnsureDefault();

  Result<std::vector<store::Application>> List();
  Result<store::Application> Get(const std::string& id);
  // input: {name, description?, config?}
  Result<store::Application> Create(const boost::json::object& input);
  // patch: {name?, description?, config?}; config keys are merged at the top level, null removes.
  Result<store::Application> Update(const std::string& id, const boost::json::object& patch);
  Status Delete(const std::string& id);
  // Called (on the deleting thread, after the row is gone) with the id of every application this
  // instance deletes; other instances learn of a deletion from TopicCatalog. Must not block.
  // Any thread; pass nullptr to stop.
  void SetDeletionListener(std::function<void(const std::string&)> listener);

  // NotFound if no such application; the id is cached for a short time when found.
  Status Resolve(const std::string& id);
  // Whether Resolve(id) would succeed from that cache, without the database (never blocks: for
  // the I/O thread; false = ask Resolve).
  bool IsKnown(const std::string& id);

 private:
  store::ApplicationRepository& repo_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> known_;  // guarded by mu_
  std::function<void(const std::string&)> on_deleted_;                             // guarded by mu_
};

}  // namespace rt::registry
