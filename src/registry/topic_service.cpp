#include "registry/topic_service.h"

#include <algorithm>
#include <limits>

#include "core/ids.h"
#include "core/log.h"

namespace rt::registry {
namespace {

constexpr size_t kMaxDescription = 1000;
constexpr size_t kMaxOwner = 200;
constexpr int64_t kMaxSchemaVersion = std::numeric_limits<int32_t>::max();  // an INTEGER column

std::string_view View(const boost::json::string& s) { return {s.data(), s.size()}; }

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

Status ValidateName(const boost::json::value* v) {
  if (!v) return Error::Validation("name is required");
  if (!v->is_string()) return Error::Validation("name must be a string");
  std::string_view name = View(v->get_string());
  if (!IsValidRegisteredTopicName(name))
    return Error::Validation("Invalid topic name '" + std::string(name.substr(0, 200)) +
                             "': use 1-200 lowercase letters, digits and dots in dot-separated segments, "
                             "e.g. session.status");
  return Ok();
}

// A required-on-create, non-blank string field of at most max characters.
Status ValidateText(const boost::json::object& o, const char* key, size_t max, bool required) {
  const boost::json::value* v = o.if_contains(key);
  if (!v) return required ? Error::Validation(std::string(key) + " is required") : Ok();
  if (!v->is_string()) return Error::Validation(std::string(key) + " must be a string");
  if (IsBlank(View(v->get_string()))) return Error::Validation(std::string(key) + " must not be empty");
  if (v->get_string().size() > max)
    return Error::Validation(std::string(key) + " must be at most " + std::to_string(max) + " characters");
  return Ok();
}

Status ValidateSchemaVersion(const boost::json::object& o) {
  const boost::json::value* v = o.if_contains("activeSchemaVersion");
  if (!v) return Ok();
  if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= kMaxSchemaVersion) return Ok();
  return Error::Validation("activeSchemaVersion must be an integer from 0 to " + std::to_string(kMaxSchemaVersion));
}

// Copies the validated optional fields of input onto t.
void Apply(const boost::json::object& input, store::Topic& t) {
  if (auto* d = input.if_contains("description")) t.description = std::string(d->get_string());
  if (auto* o = input.if_contains("owner")) t.owner = std::string(o->get_string());
  if (auto* v = input.if_contains("activeSchemaVersion")) t.active_schema_version = v->get_int64();
}

}  // namespace

boost::json::object TopicToJson(const store::Topic& t) {
  return {{"name", t.name},
          {"description", t.description},
          {"owner", t.owner},
          {"activeSchemaVersion", t.active_schema_version},
          {"applicationId", t.scope.application_id},
          {"environment", t.scope.environment},
          {"createdAt", t.created_at},
          {"updatedAt", t.updated_at}};
}

Result<std::vector<store::Topic>> TopicService::List(const Scope& scope) { return repo_.List(scope); }

Result<store::Topic> TopicService::Get(const Scope& scope, const std::string& name) { return repo_.Get(scope, name); }

Result<store::Topic> TopicService::Create(const Scope& scope, const boost::json::object& input) {
  RT_TRY(ValidateName(input.if_contains("name")));
  RT_TRY(ValidateText(input, "description", kMaxDescription, true));
  RT_TRY(ValidateText(input, "owner", kMaxOwner, true));
  RT_TRY(ValidateSchemaVersion(input));
  if (const auto* v = input.if_contains("activeSchemaVersion"); v && v->get_int64() != 0)
    return Error::Validation("activeSchemaVersion must be 0 when a topic is created: register a schema "
                             "(POST /api/schemas/<topic>) and then set it with PATCH");
  store::Topic t;
  t.scope = scope;
  t.name = std::string(input.at("name").get_string());
  Apply(input, t);
  t.created_at = t.updated_at = NowMs();
  RT_TRY(repo_.Insert(t));
  RefreshCatalog();
  return t;
}

Result<store::Topic> TopicService::Update(const Scope& scope, const std::string& name,
                                          const boost::json::object& patch) {
  if (const auto* n = patch.if_contains("name")) {
    if (!n->is_string()) return Error::Validation("name must be a string");
    if (View(n->get_string()) != name)
      return Error::Validation("A topic cannot be renamed: delete " + name + " and create the new topic");
  }
  RT_TRY(ValidateText(patch, "description", kMaxDescription, false));
  RT_TRY(ValidateText(patch, "owner", kMaxOwner, false));
  RT_TRY(ValidateSchemaVersion(patch));
  auto current = repo_.Get(scope, name);
  if (!current.ok()) return current.take_error();
  store::Topic t = std::move(*current);
  Apply(patch, t);
  if (patch.contains("activeSchemaVersion")) RT_TRY(CheckSchemaVersion(scope, name, t.active_schema_version));
  t.updated_at = std::max(NowMs(), t.updated_at + 1);  // strictly increasing, for fingerprints
  RT_TRY(repo_.Update(t));
  RefreshCatalog();
  return t;
}

Status TopicService::Delete(const Scope& scope, const std::string& name) {
  RT_TRY(repo_.Delete(scope, name));
  RefreshCatalog();
  return Ok();
}

Status TopicService::CheckSchemaVersion(const Scope& scope, const std::string& name, int64_t version) {
  if (version == 0) return Ok();
  auto v = schemas_.Get(scope, name, version);
  if (v.ok()) return Ok();
  if (v.error().code != ErrorCode::kNotFound) return v.take_error();
  auto latest = schemas_.Latest(scope, name);
  std::string known = latest.ok() ? "versions 1 to " + std::to_string(latest->version) + " are registered"
                                  : "no schema is registered for it yet";
  return Error::Validation("activeSchemaVersion " + std::to_string(version) +
                           " does not name a schema version of topic " + name + " (" + known + ")");
}

void TopicService::RefreshCatalog() {
  if (Status st = catalog_.Refresh(); !st.ok())
    log::Warn("topic catalog refresh failed; the periodic refresh will retry", {{"error", st.error().message}});
  if (Status st = gate_.Refresh(); !st.ok())
    log::Warn("schema gate refresh failed; the periodic refresh will retry", {{"error", st.error().message}});
}

}  // namespace rt::registry
