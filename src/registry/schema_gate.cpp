#include "registry/schema_gate.h"

#include <boost/json.hpp>

#include "core/log.h"

namespace rt::registry {
namespace {

constexpr auto kMaxSnapshotAge = std::chrono::seconds(60);
constexpr size_t kMaxFailureTopics = 1000;  // bounds the metric's label set

std::string Key(const Scope& scope, std::string_view topic) {
  std::string key = scope.Key();
  key += '\x1f';
  key += topic;
  return key;
}

}  // namespace

int64_t SchemaGate::ActiveVersion(const Scope& scope, std::string_view topic) const {
  auto snap = Current();
  auto it = snap->find(Key(scope, topic));
  return it == snap->end() ? 0 : it->second.version;
}

Status SchemaGate::Check(const Scope& scope, std::string_view topic, const boost::json::value& payload) const {
  auto snap = Current();
  if (snap->empty()) return Ok();
  auto it = snap->find(Key(scope, topic));
  return it == snap->end() ? Ok() : CheckAgainst(it->second, topic, payload);
}

Status SchemaGate::Validate(const Scope& scope, std::string_view topic, const boost::json::value& payload) const {
  auto snap = Current();
  auto it = snap->find(Key(scope, topic));
  return it == snap->end() ? Ok() : CheckAgainst(it->second, topic, payload, false);
}

Status SchemaGate::Check(const Scope& scope, std::string_view topic, boost::json::object& payload) const {
  auto snap = Current();
  if (snap->empty()) return Ok();  // the common case: one atomic load, no key, no move
  auto it = snap->find(Key(scope, topic));
  if (it == snap->end()) return Ok();
  boost::json::value v(std::move(payload));
  Status st = CheckAgainst(it->second, topic, v);
  payload = std::move(v.get_object());
  return st;
}

Status SchemaGate::CheckAgainst(const Active& active, std::string_view topic, const boost::json::value& payload,
                                bool count) const {
  if (count) validations_.fetch_add(1, std::memory_order_relaxed);
  if (active.schema->IsValid(payload)) return Ok();
  if (count) CountFailure(topic);
  auto violations = active.schema->Validate(payload);
  // The gateways' error replies carry only a message: it names the first violations too.
  std::string message =
      "Payload does not match schema v" + std::to_string(active.version) + " of topic " + std::string(topic) + ":";
  for (size_t i = 0; i < violations.size() && i < 3; ++i)
    message += (i ? "; " : " ") + (violations[i].path.empty() ? "(payload)" : violations[i].path) + " " +
               violations[i].message;
  if (violations.size() > 3) message += " (+" + std::to_string(violations.size() - 3) + " more)";
  auto details = std::make_shared<boost::json::object>();
  (*details)["errors"] = ViolationsToJson(violations);
  (*details)["topic"] = topic;
  (*details)["schemaVersion"] = active.version;
  Error e = Error::Validation(std::move(message));
  e.details = std::move(details);
  return e;
}

void SchemaGate::CountFailure(std::string_view topic) const {
  std::lock_guard lock(failures_mu_);
  auto it = failures_.find(topic);
  if (it != failures_.end())
    ++it->second;
  else if (failures_.size() < kMaxFailureTopics)
    failures_.emplace(std::string(topic), 1);
  else
    ++failures_["_other"];
}

std::vector<std::pair<std::string, uint64_t>> SchemaGate::FailuresByTopic() const {
  std::lock_guard lock(failures_mu_);
  return {failures_.begin(), failures_.end()};
}

Result<std::string> SchemaGate::ReadFingerprint() {
  auto t = topics_.Fingerprint();
  if (!t.ok()) return t.take_error();
  auto s = schemas_.Fingerprint();
  if (!s.ok()) return s.take_error();
  return *t + "|" + *s;
}

Status SchemaGate::Refresh() {
  std::lock_guard lock(refresh_mu_);
  auto fp = ReadFingerprint();
  if (!fp.ok()) return fp.take_error();
  return Load(std::move(*fp));
}

Status SchemaGate::RefreshIfChanged() {
  std::lock_guard lock(refresh_mu_);
  auto fp = ReadFingerprint();
  if (!fp.ok()) return fp.take_error();
  bool fresh = std::chrono::steady_clock::now() - loaded_at_ < kMaxSnapshotAge;
  if (fresh && *fp == fingerprint_) return Ok();
  return Load(std::move(*fp));
}

// The fingerprint is read before the rows: a write landing in between makes it stale, so the
// next poll reloads.
Status SchemaGate::Load(std::string fingerprint) {
  auto active = schemas_.ListActive();
  if (!active.ok()) return active.take_error();
  auto next = std::make_shared<Snapshot>();
  for (const auto& v : *active) {
    auto compiled = cache_.Get(v);
    if (!compiled.ok()) {
      log::Warn("stored schema does not compile; not enforced",
                {{"topic", v.topic}, {"version", v.version}, {"error", compiled.error().message}});
      continue;
    }
    next->emplace(Key(v.scope, v.topic), Active{v.version, std::move(*compiled)});
  }
  snapshot_.store(std::move(next), std::memory_order_release);
  fingerprint_ = std::move(fingerprint);
  loaded_at_ = std::chrono::steady_clock::now();
  return Ok();
}

}  // namespace rt::registry
