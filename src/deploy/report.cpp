#include "deploy/report.h"

#include <map>
#include <optional>

#include "cdc/mapping.h"
#include "cdc/mapping_service.h"
#include "registry/schema_compat.h"

namespace rt::deploy {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// A non-empty list of objects that each carry an integer "version" (a schema's versions).
bool IsVersionList(const array& list) {
  if (list.empty()) return false;
  for (const auto& v : list)
    if (!v.is_object() || !v.get_object().if_contains("version") || !v.get_object().at("version").is_number())
      return false;
  return true;
}

void Diff(const value& from, const value& to, const std::string& path, array& out) {
  if (from == to) return;
  if (from.is_object() && to.is_object()) {
    const object& a = from.get_object();
    const object& b = to.get_object();
    for (const auto& [k, v] : a) {
      const std::string p = path.empty() ? std::string(k) : path + "." + std::string(k);
      const value* other = b.if_contains(k);
      Diff(v, other ? *other : value(nullptr), p, out);
    }
    for (const auto& [k, v] : b)
      if (!a.contains(k)) Diff(value(nullptr), v, path.empty() ? std::string(k) : path + "." + std::string(k), out);
    return;
  }
  if (from.is_array() && to.is_array() && IsVersionList(from.get_array()) && IsVersionList(to.get_array())) {
    // Schema versions: matched by their number, not their position ("versions[version=2].schema").
    auto by_version = [](const array& list) {
      std::map<int64_t, const value*> out;
      for (const auto& v : list) out[v.get_object().at("version").to_number<int64_t>()] = &v;
      return out;
    };
    const auto a = by_version(from.get_array());
    const auto b = by_version(to.get_array());
    std::map<int64_t, bool> all;
    for (const auto& [n, v] : a) all[n] = true;
    for (const auto& [n, v] : b) all[n] = true;
    for (const auto& [n, unused] : all) {
      auto x = a.find(n);
      auto y = b.find(n);
      Diff(x == a.end() ? value(nullptr) : *x->second, y == b.end() ? value(nullptr) : *y->second,
           path + "[version=" + std::to_string(n) + "]", out);
    }
    return;
  }
  if (from.is_array() && to.is_array() && from.get_array().size() == to.get_array().size()) {
    for (size_t i = 0; i < from.get_array().size(); ++i)
      Diff(from.get_array()[i], to.get_array()[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  out.push_back(object{{"path", path}, {"from", from}, {"to", to}});
}

object Blocker(std::string code, std::string message) {
  return object{{"code", std::move(code)}, {"message", std::move(message)}};
}

int64_t IntOf(const value* v) { return v && v->is_number() ? v->to_number<int64_t>() : 0; }

// The state the target would have after the deployment, per entity, read once.
class After {
 public:
  After(store::DbSession& s, const Scope& target, const std::vector<PlanItem>& items)
      : s_(s), target_(target), items_(items) {}

  Result<value> Get(EntityType type, const std::string& key) {
    for (const auto& it : items_)
      if (it.type == type && it.key == key) return it.source;
    auto k = std::make_pair(type, key);
    if (auto found = cache_.find(k); found != cache_.end()) return found->second;
    auto st = ReadEntity(s_, target_, type, key);
    if (!st.ok()) return st.take_error();
    return cache_[k] = st->canonical;
  }

  // {version: schema} of the topic's schema after the deployment.
  Result<std::map<int64_t, value>> Versions(const std::string& topic) {
    auto schema = Get(EntityType::kSchema, topic);
    if (!schema.ok()) return schema.take_error();
    std::map<int64_t, value> out;
    if (schema->is_object())
      if (const value* vs = schema->get_object().if_contains("versions"); vs && vs->is_array())
        for (const auto& v : vs->get_array())
          if (v.is_object()) {
            const value* schema_doc = v.get_object().if_contains("schema");
            out[IntOf(v.get_object().if_contains("version"))] = schema_doc ? *schema_doc : value(nullptr);
          }
    return out;
  }

  Result<int64_t> ActiveVersion(const std::string& topic) {
    auto t = Get(EntityType::kTopic, topic);
    if (!t.ok()) return t.take_error();
    return t->is_object() ? IntOf(t->get_object().if_contains("activeSchemaVersion")) : int64_t{0};
  }

 private:
  store::DbSession& s_;
  const Scope& target_;
  const std::vector<PlanItem>& items_;
  std::map<std::pair<EntityType, std::string>, value> cache_;
};

Status TopicBlockers(store::DbSession& s, const Scope& target, After& after, const std::vector<PlanItem>& items,
                     PlanItem& item) {
  if (item.source.is_null()) {
    if (!item.target.exists) return Ok();
    // Mappings of the target that keep publishing to the topic.
    auto r = s.Exec("SELECT id FROM cdc_mappings WHERE application_id = $1 AND environment = $2 AND topic = $3",
                    {target.application_id, target.environment, item.key});
    if (!r.ok()) return r.take_error();
    for (const auto& row : r->rows) {
      const std::string id = store::AsString(row[0]);
      auto m = after.Get(EntityType::kMapping, id);
      if (!m.ok()) return m.take_error();
      const value* def = m->is_object() ? m->get_object().if_contains("definition") : nullptr;
      const value* topic = def && def->is_object() ? def->get_object().if_contains("topic") : nullptr;
      if (topic && topic->is_string() && topic->get_string() == item.key)
        item.blockers.push_back(Blocker("topic_in_use", "Mapping " + id + " of " + target.environment +
                                                            " publishes to topic " + item.key +
                                                            "; delete or change it in the same deployment"));
    }
    (void)items;
    return Ok();
  }
  const int64_t active = IntOf(item.source.get_object().if_contains("activeSchemaVersion"));
  if (active == 0) return Ok();
  auto versions = after.Versions(item.key);
  if (!versions.ok()) return versions.take_error();
  if (!versions->contains(active))
    item.blockers.push_back(Blocker("schema_version_missing",
                                    "Topic " + item.key + " uses schema version " + std::to_string(active) +
                                        ", which " + target.environment +
                                        " would not have; deploy the topic's schema with it"));
  return Ok();
}

Status SchemaBlockers(const Scope& target, After& after, PlanItem& item) {
  auto topic = after.Get(EntityType::kTopic, item.key);
  if (!topic.ok()) return topic.take_error();
  auto active = after.ActiveVersion(item.key);
  if (!active.ok()) return active.take_error();
  std::map<int64_t, const object*> held, wanted;
  auto collect = [](const value& c, std::map<int64_t, const object*>& out) {
    if (!c.is_object()) return;
    if (const value* vs = c.get_object().if_contains("versions"); vs && vs->is_array())
      for (const auto& v : vs->get_array())
        if (v.is_object()) out[IntOf(v.get_object().if_contains("version"))] = &v.get_object();
  };
  collect(item.target.canonical, held);
  collect(item.source, wanted);
  if (item.source.is_null()) {
    if (*active != 0 && topic->is_object())
      item.blockers.push_back(Blocker("schema_in_use", "Topic " + item.key + " of " + target.environment +
                                                           " enforces schema version " + std::to_string(*active)));
    return Ok();
  }
  if (!topic->is_object())
    item.blockers.push_back(Blocker("topic_missing", "Topic " + item.key + " does not exist in " +
                                                         target.environment + "; deploy the topic with its schema"));
  if (*active != 0 && !wanted.contains(*active) && held.contains(*active))
    item.blockers.push_back(Blocker("schema_in_use", "Topic " + item.key + " of " + target.environment +
                                                         " enforces schema version " + std::to_string(*active) +
                                                         ", which this deployment removes"));
  for (const auto& [n, v] : wanted) {
    auto h = held.find(n);
    if (h != held.end() && *h->second != *v)
      item.blockers.push_back(Blocker("schema_diverged", "Version " + std::to_string(n) + " of " + item.key +
                                                             " differs in " + target.environment +
                                                             "; registered versions are immutable"));
  }
  for (const auto& [n, v] : wanted) {
    if (held.contains(n)) continue;
    const value* mode_name = v->if_contains("compatibilityMode");
    const value* schema = v->if_contains("schema");
    auto mode = registry::ParseCompatibilityMode(mode_name && mode_name->is_string() ? mode_name->get_string() : "");
    if (!mode || schema == nullptr) continue;
    std::vector<registry::SchemaVersionRef> earlier;  // what the target's data was validated against
    for (const auto& [hn, h] : held)
      if (hn < n)
        if (const value* doc = h->if_contains("schema")) earlier.push_back({hn, doc});
    if (earlier.empty()) continue;
    auto issues = registry::CheckCompatibility(*mode, earlier, *schema);
    if (issues.empty()) continue;
    array details;
    for (const auto& i : issues)
      details.push_back(object{{"path", i.path}, {"rule", i.rule}, {"message", i.message}});
    object b = Blocker("schema_incompatible", "Version " + std::to_string(n) + " of " + item.key +
                                                  " is not " + registry::CompatibilityModeName(*mode) +
                                                  "-compatible with the versions " + target.environment + " holds");
    b["details"] = std::move(details);
    item.blockers.push_back(std::move(b));
  }
  return Ok();
}

Status MappingBlockers(store::DbSession& s, const Scope& target, const PlanContext& context, After& after,
                       PlanItem& item) {
  if (item.source.is_null()) return Ok();
  const value* def = item.source.get_object().if_contains("definition");
  if (def == nullptr || !def->is_object()) return Ok();
  object body = def->get_object();
  body["id"] = item.key;
  auto m = cdc::ParseMapping(body);
  if (!m.ok()) {
    item.blockers.push_back(Blocker("mapping_invalid", m.error().message));
    return Ok();
  }
  auto topic = after.Get(EntityType::kTopic, m->topic);
  if (!topic.ok()) return topic.take_error();
  if (!topic->is_object()) {
    bool registered = context.strict_topics;
    if (!registered && !context.source_environment.empty()) {
      auto in_source = ReadEntity(s, {target.application_id, context.source_environment}, EntityType::kTopic, m->topic);
      if (!in_source.ok()) return in_source.take_error();
      registered = in_source->exists;
    }
    if (!registered) return Ok();  // an unregistered topic is allowed (not a strict application)
    item.blockers.push_back(Blocker("topic_missing", "Mapping " + item.key + " publishes to topic " + m->topic +
                                                         ", which " + target.environment +
                                                         " would not have; deploy the topic with it"));
    return Ok();
  }
  auto active = after.ActiveVersion(m->topic);
  if (!active.ok()) return active.take_error();
  if (*active == 0) return Ok();
  auto versions = after.Versions(m->topic);
  if (!versions.ok()) return versions.take_error();
  auto it = versions->find(*active);
  if (it == versions->end()) return Ok();  // reported on the topic (schema_version_missing)
  Status st = cdc::CheckPayloadAgainstSchema(*m, cdc::ActiveSchema{*active, it->second});
  if (!st.ok()) {
    object b = Blocker("mapping_schema_mismatch", st.error().message);
    if (st.error().details)
      if (const value* d = st.error().details->if_contains("details")) b["details"] = *d;
    item.blockers.push_back(std::move(b));
  }
  return Ok();
}

}  // namespace

array JsonDiff(const value& from, const value& to) {
  array out;
  if (from.is_null() && to.is_object()) {
    for (const auto& [k, v] : to.get_object()) out.push_back(object{{"path", k}, {"from", nullptr}, {"to", v}});
  } else if (to.is_null() && from.is_object()) {
    for (const auto& [k, v] : from.get_object()) out.push_back(object{{"path", k}, {"from", v}, {"to", nullptr}});
  } else {
    Diff(from, to, "", out);
  }
  return out;
}

Status Plan(store::DbSession& s, const Scope& target, const PlanContext& context, std::vector<PlanItem>& items) {
  for (auto& item : items) {
    auto st = ReadEntity(s, target, item.type, item.key);
    if (!st.ok()) return st.take_error();
    item.target = std::move(*st);
    item.blockers.clear();
    const bool present = item.target.exists;
    if (item.source.is_null())
      item.action = present ? "delete" : "unchanged";
    else if (!present)
      item.action = "create";
    else
      item.action = CanonicalText(item.source) == CanonicalText(item.target.canonical) ? "unchanged" : "update";
    item.diff = item.action == "unchanged" ? array{} : JsonDiff(item.target.canonical, SortedKeys(item.source));
  }
  After after(s, target, items);
  for (auto& item : items) {
    if (item.action == "unchanged") continue;
    switch (item.type) {
      case EntityType::kTopic: RT_TRY(TopicBlockers(s, target, after, items, item)); break;
      case EntityType::kSchema: RT_TRY(SchemaBlockers(target, after, item)); break;
      case EntityType::kMapping: RT_TRY(MappingBlockers(s, target, context, after, item)); break;
      case EntityType::kWebhook: break;
    }
  }
  return Ok();
}

object PlanItemToJson(const PlanItem& item) {
  return object{{"type", TypeName(item.type)},
                {"id", item.key},
                {"action", item.action},
                {"diff", item.diff},
                {"blockers", item.blockers},
                {"sourceFingerprint", Fingerprint(item.source)},
                {"targetFingerprint", Fingerprint(item.target.canonical)}};
}

}  // namespace rt::deploy
