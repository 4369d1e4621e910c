// CheckPayloadAgainstSchema (cdc/mapping_service.h): a mapping's payload template against its
// topic's active JSON Schema, at definition time. Top level only: `required` and the `type` of
// each property the template fills with a literal.
#include <boost/json/array.hpp>
#include <memory>

#include "cdc/mapping_service.h"
#include "core/json.h"

namespace rt::cdc {
namespace {

// "$row.col" (or any "$" followed by a letter or "_": ParseMapping refuses the others).
bool IsReference(const boost::json::value& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_string();
  if (s.size() < 2 || s[0] != '$') return false;
  const char c = s[1];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

const char* JsonTypeName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "integer";
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "value";
}

bool TypeAllows(std::string_view type, const boost::json::value& v) {
  if (type == "integer") {
    if (v.is_int64() || v.is_uint64()) return true;
    return v.is_double() && v.get_double() == static_cast<double>(static_cast<int64_t>(v.get_double()));
  }
  if (type == "number") return v.is_number();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "null") return v.is_null();
  return true;  // an unknown type name: not this check's business (the schema compiled)
}

// The allowed types ("string", or "string or null" for ["string", "null"]); empty when the
// property does not restrict the type.
std::string Allowed(const boost::json::value& type, const boost::json::value& v, bool* ok) {
  *ok = true;
  if (type.is_string()) {
    *ok = TypeAllows(type.get_string(), v);
    return std::string(type.get_string());
  }
  if (!type.is_array()) return "";
  std::string text;
  *ok = false;
  for (const auto& t : type.get_array()) {
    if (!t.is_string()) continue;
    if (TypeAllows(t.get_string(), v)) *ok = true;
    text += (text.empty() ? "" : " or ") + std::string(t.get_string());
  }
  if (text.empty()) *ok = true;
  return text;
}

}  // namespace

Status CheckPayloadAgainstSchema(const DomainMapping& m, const ActiveSchema& active) {
  if (!active.schema.is_object()) return Ok();
  const auto& schema = active.schema.get_object();
  boost::json::array details;
  std::string summary;
  auto add = [&](const std::string& field, const char* rule, const std::string& message) {
    details.push_back(boost::json::object{{"field", field}, {"rule", rule}, {"message", message}});
    if (details.size() <= 3) summary += (summary.empty() ? "" : "; ") + message;
  };
  if (const auto* required = schema.if_contains("required"); required && required->is_array()) {
    for (const auto& r : required->get_array()) {
      if (!r.is_string() || m.payload.contains(r.get_string())) continue;
      const std::string name(r.get_string());
      add(name, "required", "payload." + name + " is required by the schema but missing from the template");
    }
  }
  const auto* props = schema.if_contains("properties");
  if (props && props->is_object()) {
    for (const auto& [key, value] : m.payload) {
      if (IsReference(value)) continue;  // typed at run time, by the publish gate
      const auto* prop = props->get_object().if_contains(key);
      if (!prop || !prop->is_object()) continue;
      const auto* type = prop->get_object().if_contains("type");
      if (!type) continue;
      bool ok = true;
      const std::string allowed = Allowed(*type, value, &ok);
      if (ok) continue;
      const std::string name(key);
      add(name, "type",
          "payload." + name + " must be " + allowed + " (the template has the literal " + JsonTypeName(value) + ")");
    }
  }
  if (details.empty()) return Ok();
  Error e = Error::Validation("Mapping payload does not match schema v" + std::to_string(active.version) +
                              " of topic " + m.topic + ": " + summary);
  e.details = std::make_shared<boost::json::object>(boost::json::object{{"details", std::move(details)}});
  return e;
}

ActiveSchemaLookup RepositorySchemaLookup(store::TopicRepository& topics, store::SchemaRepository& schemas) {
  return [&topics, &schemas](const Scope& scope, const std::string& name) -> Result<std::optional<ActiveSchema>> {
    auto topic = topics.Get(scope, name);
    if (!topic.ok()) {
      if (topic.error().code == ErrorCode::kNotFound) return std::optional<ActiveSchema>();
      return topic.take_error();
    }
    if (topic->active_schema_version <= 0) return std::optional<ActiveSchema>();
    auto version = schemas.Get(scope, name, topic->active_schema_version);
    if (!version.ok()) return version.take_error();
    auto schema = json::Parse(version->definition);
    if (!schema.ok()) return schema.take_error();
    return std::optional<ActiveSchema>(ActiveSchema{version->version, std::move(*schema)});
  };
}

}  // namespace rt::cdc
