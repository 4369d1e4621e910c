#include "app/platform.h"

#include "app/platform_db.h"
#include "core/log.h"
#include "store/migrator.h"

namespace rt::app {

Platform::Platform(std::unique_ptr<store::Db> database, const Config& config)
    : db(std::move(database)),
      app_repo(*db),
      apps(app_repo),
      key_repo(*db),
      keys(key_repo, config.jwt_secret),
      tokens(keys, auth::TokenOptions{"realtime", 3600, 365LL * 86400, config.jwt_leeway_s}),
      topic_repo(*db),
      topic_catalog(topic_repo, app_repo),
      schema_repo(*db),
      schema_gate(schema_repo, topic_repo, schema_cache),
      topics(topic_repo, topic_catalog, schema_repo, schema_gate),
      schemas(schema_repo, topic_repo, schema_cache, schema_gate),
      service_repo(*db),
      services(service_repo, app_repo),
      document_repo(*db) {}

Result<std::unique_ptr<Platform>> Platform::Open(const Config& config) {
  auto db = OpenPlatformDb(config);
  if (!db.ok()) return db.take_error();
  return std::make_unique<Platform>(std::move(*db), config);
}

Status Platform::Initialize() {
  store::Migrator migrator(*db);
  auto applied = migrator.Latest();
  if (!applied.ok()) return applied.take_error();
  for (const auto& name : *applied) log::Info("migration applied", {{"name", name}});
  RT_TRY(apps.EnsureDefault());
  auto created = keys.EnsureSigner();
  if (!created.ok()) return created.take_error();
  if (!created->empty()) log::Info("created a signing key (none could sign)", {{"keyId", *created}});
  RT_TRY(topic_catalog.Refresh());
  return schema_gate.Refresh();
}

}  // namespace rt::app
