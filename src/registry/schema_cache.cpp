#include "registry/schema_cache.h"

#include "core/json.h"

namespace rt::registry {

Result<std::shared_ptr<const JsonSchema>> SchemaCache::Get(const store::SchemaVersion& v) {
  std::string key =
      v.scope.Key() + '\x1f' + v.topic + '\x1f' + std::to_string(v.version) + '\x1f' + std::to_string(v.created_at);
  {
    std::lock_guard lock(mu_);
    if (auto it = compiled_.find(key); it != compiled_.end()) return it->second;
  }
  auto doc = json::Parse(v.definition);
  if (!doc.ok()) return doc.take_error();
  auto compiled = JsonSchema::Compile(*doc);
  if (!compiled.ok()) return compiled.take_error();
  std::lock_guard lock(mu_);
  if (compiled_.size() >= kMaxEntries) compiled_.clear();
  return compiled_.emplace(std::move(key), std::move(*compiled)).first->second;
}

size_t SchemaCache::size() const {
  std::lock_guard lock(mu_);
  return compiled_.size();
}

}  // namespace rt::registry
