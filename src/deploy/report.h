// The change report of a deployment (docs/deployments.md "Change report"): for each item the
// action (create / update / delete / unchanged), a field-level diff of the target against what
// will be written, and the blockers that make executing it unsafe:
//   topic_missing            a schema whose topic the target would not have, or a mapping whose
//                            registered topic it would not have (PlanContext)
//   schema_version_missing   a topic whose activeSchemaVersion the target would not have
//   schema_in_use            removing schema versions (or all) the target topic would still use
//   schema_diverged          a version number the target holds with another definition (versions
//                            are immutable: published events were validated against it)
//   schema_incompatible      a new version incompatible, under its compatibility mode, with the
//                            versions the target holds (its data), with the rule details
//   mapping_schema_mismatch  a mapping whose payload the target topic's active schema refuses
//   topic_in_use             deleting a topic that mappings of the target (kept) still publish to
// "Would have" means: after the deployment, i.e. the item's own state when the deployment
// carries that entity, else the target's current one.
//
// Thread safety: free functions over a DbSession (inside its transaction). Failure: database
// errors only; everything about the entities is reported, not returned.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "deploy/entities.h"

namespace rt::deploy {

struct PlanItem {
  EntityType type = EntityType::kTopic;
  std::string key;
  boost::json::value source;  // the canonical form to write; null = delete
  // Filled by Plan:
  EntityState target;
  std::string action;  // create | update | delete | unchanged
  boost::json::array diff;      // [{path, from, to}] (from: target, to: source)
  boost::json::array blockers;  // [{code, message, details?}]
};

// What decides whether a mapping's unregistered topic blocks: topics are optional unless the
// application is strict (`strictTopics`), so a mapping blocks (topic_missing) only when its topic
// is registered in the source environment but would not be in the target, or the app is strict.
struct PlanContext {
  std::string source_environment;  // "" for imports
  bool strict_topics = false;
};

// Reads every item's target state in `target` and fills action, diff and blockers.
Status Plan(store::DbSession& s, const Scope& target, const PlanContext& context, std::vector<PlanItem>& items);

// Field-level differences from `from` to `to`: objects key by key, arrays of equal length index
// by index, anything else as a whole. Paths are dotted ("definition.payload.status",
// "versions[1].schema"). A side that is null (create, delete) lists the other side's fields.
boost::json::array JsonDiff(const boost::json::value& from, const boost::json::value& to);

// {type, id, action, diff, blockers, sourceFingerprint, targetFingerprint}
boost::json::object PlanItemToJson(const PlanItem& item);

}  // namespace rt::deploy
