// SchemaCache: compiled JSON Schemas, compiled once per stored version and shared.
//
// The key is (application, environment, topic, version, createdAt): versions are immutable, and
// createdAt tells a version apart from one of the same number registered after its topic was
// deleted and re-created. The cache holds at most kMaxEntries schemas; beyond that it is
// emptied and refills on demand (compiling is milliseconds; registries hold far fewer).
//
// Thread safety: Get may be called from any thread; compilation runs outside the lock (two
// threads may compile the same version once each; one result is kept).
// Failure: ValidationError when a stored document does not compile (it compiled when it was
// registered, so only a hand-edited database gets there).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "registry/json_schema.h"
#include "store/schema_repository.h"

namespace rt::registry {

class SchemaCache {
 public:
  static constexpr size_t kMaxEntries = 10000;

  Result<std::shared_ptr<const JsonSchema>> Get(const store::SchemaVersion& version);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const JsonSchema>> compiled_;  // guarded by mu_
};

}  // namespace rt::registry
