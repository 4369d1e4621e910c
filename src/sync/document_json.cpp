#include "sync/document_json.h"

#include "core/json.h"

namespace rt::sync {
namespace {

const boost::json::value* Field(const boost::json::object& o, const char* key, boost::json::kind kind) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->kind() == kind ? v : nullptr;
}

}  // namespace

bool IsValidDocumentId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == ':' || c == '@';
    if (!ok) return false;
  }
  return true;
}

boost::json::object DocumentToJson(const SyncDocument& d) {
  boost::json::object o{{"service", d.key.service}, {"id", d.key.id},          {"revision", d.revision},
                        {"data", d.data},           {"createdAt", d.created_at}, {"updatedAt", d.updated_at}};
  if (d.expires_at) o["expiresAt"] = *d.expires_at;
  if (d.deleted) o["deleted"] = true;
  return o;
}

std::string EncodeStored(const SyncDocument& d) {
  boost::json::object o = DocumentToJson(d);
  o["applicationId"] = d.key.scope.application_id;
  o["environment"] = d.key.scope.environment;
  return json::Serialize(o);
}

Result<SyncDocument> DecodeStored(std::string_view text) {
  auto parsed = json::ParseObject(text);
  if (!parsed.ok()) return Error::Internal("corrupt cached document: " + parsed.error().message);
  const auto& o = *parsed;
  using boost::json::kind;
  auto* app = Field(o, "applicationId", kind::string);
  auto* env = Field(o, "environment", kind::string);
  auto* service = Field(o, "service", kind::string);
  auto* id = Field(o, "id", kind::string);
  auto* rev = Field(o, "revision", kind::int64);
  auto* data = Field(o, "data", kind::object);
  auto* created = Field(o, "createdAt", kind::int64);
  auto* updated = Field(o, "updatedAt", kind::int64);
  if (!app || !env || !service || !id || !rev || !data || !created || !updated)
    return Error::Internal("corrupt cached document: a field is missing");
  SyncDocument d;
  d.key = {{std::string(app->get_string()), std::string(env->get_string())},
           std::string(service->get_string()),
           std::string(id->get_string())};
  d.revision = rev->get_int64();
  d.data = data->get_object();
  d.created_at = created->get_int64();
  d.updated_at = updated->get_int64();
  if (auto* e = Field(o, "expiresAt", kind::int64)) d.expires_at = e->get_int64();
  if (auto* del = Field(o, "deleted", kind::bool_)) d.deleted = del->get_bool();
  return d;
}

}  // namespace rt::sync
