// Webhook endpoints as deployment entities (deploy/entities.h). Secrets never leave the target:
// an update keeps the target's secret unless one is re-entered; a create takes the re-entered
// secret or generates one (returned once through WriteContext::generated).
#include "core/encoding.h"
#include "core/ids.h"
#include "core/json.h"
#include "deploy/entities.h"
#include "store/row_image.h"
#include "webhooks/endpoint.h"
#include "webhooks/secret_box.h"
#include "webhooks/signature.h"

namespace rt::deploy::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr const char* kWebhookWhere =
    "application_id = $1 AND environment = $2 AND (origin_id = $3 OR (origin_id = '' AND id = $3))";

store::DbParams KeyParams(const Scope& scope, const std::string& key) {
  return {scope.application_id, scope.environment, key};
}

array StringArray(const value& stored) {
  array out;
  for (const auto& s : store::StringListFromJson(store::DbValue(std::string(stored.is_string() ? stored.get_string() : ""))))
    out.emplace_back(s);
  return out;
}

std::string StoredList(const value* v) {
  std::vector<std::string> list;
  if (v != nullptr && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_string()) list.emplace_back(e.get_string());
  return store::StringListToJson(list);
}

std::string Str(const object& o, std::string_view k, std::string_view fallback = "") {
  const value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string(fallback);
}

Result<std::string> SecretFor(const std::string& key, const std::string& scheme, WriteContext& ctx, bool* generated) {
  *generated = false;
  if (auto it = ctx.secrets.find(key); it != ctx.secrets.end()) {
    if (it->second.size() < 8 || it->second.size() > 256)
      return Error::Validation("secrets." + key + ": must be 8-256 characters");
    if (scheme == webhooks::kSchemeStandard)
      if (Status st = webhooks::ValidateStandardSecret(it->second); !st.ok())
        return Error::Validation("secrets." + key + ": " + st.error().message);
    return it->second;
  }
  *generated = true;
  return "whsec_" + Base64Encode(*HexDecode(RandomHex(24)));
}

}  // namespace

Result<EntityState> ReadWebhook(store::DbSession& s, const Scope& scope, const std::string& key) {
  auto rows = store::SelectRows(s, "webhook_endpoints", kWebhookWhere, KeyParams(scope, key), "id");
  if (!rows.ok()) return rows.take_error();
  EntityState st;
  if (!rows->empty()) {
    const object& row = (*rows)[0].get_object();
    st.exists = true;
    st.canonical = object{{"key", key},
                          {"url", row.at("url")},
                          {"events", StringArray(row.at("events"))},
                          {"topics", StringArray(row.at("topics"))},
                          {"active", row.at("active").to_number<int64_t>() != 0},
                          {"signatureScheme", row.at("signature_scheme")},
                          {"maxConcurrency", row.at("max_concurrency")},
                          {"ordering", row.at("ordering")},
                          {"description", row.at("description")}};
  }
  st.images = object{{"webhook_endpoints", std::move(*rows)}};
  return st;
}

Status WriteWebhook(store::DbSession& s, const Scope& scope, const std::string& key, const value& c,
                    const EntityState& current, WriteContext& ctx) {
  const array& rows = Rows(current.images, "webhook_endpoints");
  if (c.is_null()) {
    for (const auto& row : rows)
      RT_TRY(s.Exec("DELETE FROM webhook_endpoints WHERE id = $1", {std::string(row.at("id").as_string())}));
    return Ok();
  }
  const object* o = c.if_object();
  if (o == nullptr || Str(*o, "url").empty()) return Error::Validation("webhook " + key + ": url is required");
  const std::string scheme = Str(*o, "signatureScheme", webhooks::kSchemeRealtime);
  const value* active = o->if_contains("active");
  const value* concurrency = o->if_contains("maxConcurrency");
  const int64_t active_flag = active && active->is_bool() && !active->get_bool() ? 0 : 1;
  const int64_t max_concurrency = concurrency && concurrency->is_number() ? concurrency->to_number<int64_t>() : 10;
  store::DbParams fields{Str(*o, "url"),       StoredList(o->if_contains("events")),
                         StoredList(o->if_contains("topics")), active_flag,
                         scheme,               max_concurrency,
                         Str(*o, "ordering", "none"), Str(*o, "description"),
                         ctx.now_ms};
  if (!rows.empty()) {
    const std::string id(rows[0].at("id").as_string());
    fields.push_back(id);
    RT_TRY(s.Exec("UPDATE webhook_endpoints SET url = $1, events = $2, topics = $3, active = $4, signature_scheme = "
                  "$5, max_concurrency = $6, ordering = $7, description = $8, updated_at = $9 WHERE id = $10",
                  fields));
    if (ctx.secrets.contains(key)) {
      bool generated = false;
      auto secret = SecretFor(key, scheme, ctx, &generated);
      if (!secret.ok()) return secret.take_error();
      auto sealed = ctx.box->Seal(*secret);
      if (!sealed.ok()) return sealed.take_error();
      RT_TRY(s.Exec("UPDATE webhook_endpoints SET secret = $1 WHERE id = $2", {*sealed, id}));
    }
    return Ok();
  }
  bool generated = false;
  auto secret = SecretFor(key, scheme, ctx, &generated);
  if (!secret.ok()) return secret.take_error();
  if (ctx.box == nullptr) return Error::Internal("no secret box to seal webhook secrets");
  auto sealed = ctx.box->Seal(*secret);
  if (!sealed.ok()) return sealed.take_error();
  const std::string id = NewId("wh");
  store::DbParams insert{id, scope.application_id, scope.environment, *sealed, key};
  insert.insert(insert.end(), fields.begin(), fields.end());
  RT_TRY(s.Exec("INSERT INTO webhook_endpoints (id, application_id, environment, secret, origin_id, url, events, "
                "topics, active, signature_scheme, max_concurrency, ordering, description, created_at, updated_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
                insert));
  if (generated) ctx.generated[key] = *secret;
  return Ok();
}

Status RestoreWebhook(store::DbSession& s, const Scope& scope, const std::string& key, const object& images) {
  RT_TRY(s.Exec(std::string("DELETE FROM webhook_endpoints WHERE ") + kWebhookWhere, KeyParams(scope, key)));
  for (const auto& row : Rows(images, "webhook_endpoints"))
    RT_TRY(store::UpsertRow(s, "webhook_endpoints", {"id"}, row.get_object()));
  return Ok();
}

}  // namespace rt::deploy::detail
