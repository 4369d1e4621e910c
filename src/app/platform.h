// Platform: the services every subcommand shares (database, applications, signing keys, tokens),
// built from the configuration. Members are declared in dependency order, so they are destroyed
// in reverse. Initialize() brings the database up to date (migrations, default application, a
// signing key when nothing can sign) and loads the key ring, the topic catalog and the schema gate; it is safe to call repeatedly.
//
// Thread safety: the services are thread-safe; Open/Initialize run on the owner's thread.
#pragma once

#include <memory>

#include "auth/signing_keys.h"
#include "auth/token_service.h"
#include "core/config.h"
#include "registry/application_service.h"
#include "registry/schema_cache.h"
#include "registry/schema_gate.h"
#include "registry/schema_service.h"
#include "registry/service_registry.h"
#include "registry/topic_catalog.h"
#include "registry/topic_service.h"
#include "store/application_repository.h"
#include "store/db.h"
#include "store/schema_repository.h"
#include "store/service_repository.h"
#include "store/signing_key_repository.h"
#include "store/sync_document_repository.h"
#include "store/topic_repository.h"

namespace rt::app {

struct Platform {
  Platform(std::unique_ptr<store::Db> database, const Config& config);

  static Result<std::unique_ptr<Platform>> Open(const Config& config);
  Status Initialize();

  std::unique_ptr<store::Db> db;
  store::ApplicationRepository app_repo;
  registry::ApplicationService apps;
  store::SigningKeyRepository key_repo;
  auth::SigningKeyService keys;
  auth::TokenService tokens;
  store::TopicRepository topic_repo;
  registry::TopicCatalog topic_catalog;
  store::SchemaRepository schema_repo;
  registry::SchemaCache schema_cache;
  registry::SchemaGate schema_gate;  // the active schemas, in memory, for the publish path
  registry::TopicService topics;
  registry::SchemaService schemas;
  store::ServiceRepository service_repo;
  registry::ServiceRegistry services;
  store::SyncDocumentRepository document_repo;  // the sync documents' durable store (app/sync_module.h)
};

}  // namespace rt::app
