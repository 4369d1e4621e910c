#include "registry/schema_service.h"

#include <boost/json.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "registry/schema_compat.h"

namespace rt::registry {
namespace {

Status RequireTopic(store::TopicRepository& topics, const Scope& scope, const std::string& topic) {
  auto t = topics.Get(scope, topic);
  return t.ok() ? Ok() : Status(t.take_error());
}

Result<CompatibilityMode> ModeOf(const boost::json::object& body) {
  const auto* v = body.if_contains("compatibilityMode");
  if (!v || v->is_null()) return CompatibilityMode::kBackward;
  std::optional<CompatibilityMode> m;
  if (v->is_string()) m = ParseCompatibilityMode(v->get_string());
  if (!m) return Error::Validation(std::string("compatibilityMode must be one of: ") + CompatibilityModeList());
  return *m;
}

Error Incompatible(CompatibilityMode mode, const std::vector<CompatIssue>& issues) {
  boost::json::array details;
  for (const auto& i : issues)
    details.push_back(boost::json::object{{"path", i.path}, {"rule", i.rule}, {"message", i.message}});
  Error e = Error::Validation(
      std::string("Schema is not ") + CompatibilityModeName(mode) + "-compatible: " + std::to_string(issues.size()) +
      " incompatible change(s), first: " + (issues[0].path.empty() ? "(root)" : issues[0].path) + " " + issues[0].rule);
  e.details = std::make_shared<boost::json::object>(boost::json::object{{"details", std::move(details)}});
  return e;
}

}  // namespace

boost::json::object SchemaToJson(const store::SchemaVersion& v) {
  auto doc = json::Parse(v.definition);
  return {{"topic", v.topic},
          {"version", v.version},
          {"schema", doc.ok() ? std::move(*doc) : boost::json::value()},
          {"compatibilityMode", v.compatibility_mode},
          {"createdAt", v.created_at}};
}

Result<std::vector<store::SchemaVersion>> SchemaService::List(const Scope& scope, const std::string& topic) {
  RT_TRY(RequireTopic(topics_, scope, topic));
  return repo_.List(scope, topic);
}

Result<store::SchemaVersion> SchemaService::Get(const Scope& scope, const std::string& topic,
                                                std::string_view version) {
  int64_t n = 0;
  bool digits = !version.empty() && version.size() <= 10 && version[0] != '0';
  for (char c : version) {
    if (c < '0' || c > '9') digits = false;
    if (digits) n = n * 10 + (c - '0');
  }
  if (!digits || n > 2147483647) return Error::Validation("version must be a positive integer, e.g. 2");
  RT_TRY(RequireTopic(topics_, scope, topic));
  return repo_.Get(scope, topic, n);
}

Result<store::SchemaVersion> SchemaService::Latest(const Scope& scope, const std::string& topic) {
  RT_TRY(RequireTopic(topics_, scope, topic));
  return repo_.Latest(scope, topic);
}

Result<store::SchemaVersion> SchemaService::Register(const Scope& scope, const std::string& topic,
                                                     const boost::json::object& body) {
  const auto* schema = body.if_contains("schema");
  if (!schema) return Error::Validation("schema is required: a JSON Schema (draft-07) object");
  auto mode = ModeOf(body);
  if (!mode.ok()) return mode.take_error();
  std::string text = json::Serialize(*schema);
  if (text.size() > kMaxSchemaBytes)
    return Error::Validation("schema is too large: at most " + std::to_string(kMaxSchemaBytes) + " bytes");
  auto compiled = JsonSchema::Compile(*schema);
  if (!compiled.ok()) return compiled.take_error();
  RT_TRY(RequireTopic(topics_, scope, topic));

  auto earlier = repo_.List(scope, topic);
  if (!earlier.ok()) return earlier.take_error();
  std::vector<boost::json::value> docs;
  docs.reserve(earlier->size());
  std::vector<SchemaVersionRef> refs;
  for (const auto& v : *earlier) {
    auto d = json::Parse(v.definition);
    docs.push_back(d.ok() ? std::move(*d) : boost::json::value(true));
  }
  for (size_t i = 0; i < docs.size(); ++i) refs.push_back({(*earlier)[i].version, &docs[i]});
  auto issues = CheckCompatibility(*mode, refs, *schema);
  if (!issues.empty()) return Incompatible(*mode, issues);

  store::SchemaVersion v;
  v.scope = scope;
  v.topic = topic;
  v.definition = std::move(text);
  v.compatibility_mode = CompatibilityModeName(*mode);
  v.created_at = NowMs();
  auto stored = repo_.Append(std::move(v), earlier->empty() ? 0 : earlier->back().version);
  if (!stored.ok()) return stored.take_error();
  if (Status st = gate_.Refresh(); !st.ok())
    log::Warn("schema gate refresh failed; the periodic refresh will retry", {{"error", st.error().message}});
  return stored;
}

Result<std::vector<SchemaViolation>> SchemaService::Validate(const Scope& scope, const std::string& topic,
                                                             const boost::json::object& body) {
  const auto* payload = body.if_contains("payload");
  if (!payload) return Error::Validation("payload is required");
  auto latest = Latest(scope, topic);
  if (!latest.ok()) return latest.take_error();
  auto compiled = cache_.Get(*latest);
  if (!compiled.ok()) return compiled.take_error();
  return (*compiled)->Validate(*payload);
}

}  // namespace rt::registry
