#include "app/cdc_module.h"

#include <algorithm>

#include <boost/json/object.hpp>

#include "core/encoding.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "registry/secrets.h"

namespace rt::app {
namespace {

constexpr auto kRefreshEvery = std::chrono::seconds(2);

std::string TargetKey(const std::string& url) { return "tgt_" + LowerHex(Sha256(url)).substr(0, 12); }

}  // namespace

CdcModule::CdcModule(const Config& config, Platform& platform, store::CdcRepository& repo,
                     events::EventRouter& router)
    : config_(config), platform_(platform), repo_(repo), router_(router) {}

CdcModule::~CdcModule() { Stop(); }

void CdcModule::Start() { thread_ = std::thread([this] { Run(); }); }

void CdcModule::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<std::string, std::unique_ptr<cdc::CdcReader>> readers;
  std::map<std::string, std::unique_ptr<cdc::OutboxWorker>> outboxes;
  {
    std::lock_guard lock(mu_);
    readers.swap(readers_);
    outboxes.swap(outboxes_);
  }
  for (auto& [url, reader] : readers) reader->Stop();
  for (auto& [url, w] : outboxes) w->Stop();
}

void CdcModule::Refresh() {
  {
    std::lock_guard lock(mu_);
    refresh_ = true;
  }
  cv_.notify_all();
}

void CdcModule::Run() {
  auto next_prune = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (;;) {
    Sync();
    if (std::chrono::steady_clock::now() >= next_prune) {  // CDC_EVENT_RETENTION
      next_prune = std::chrono::steady_clock::now() + std::chrono::hours(1);
      auto pruned = repo_.PruneEvents(NowMs() - int64_t{config_.cdc_event_retention_days} * 86400 * 1000,
                                      config_.cdc_event_retention_rows);
      if (pruned.ok() && *pruned > 0) log::Info("CDC event log pruned", {{"rows", *pruned}});
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kRefreshEvery, [this] { return stopping_ || refresh_; });
    if (stopping_) return;
    refresh_ = false;
  }
}

// Every configured target URL and the scopes that use it (applications' config.cdc.<env>, and
// CDC_DATABASE_URL for the default application in this server's environment).
std::map<std::string, std::vector<Scope>> CdcModule::ConfiguredTargets() {
  std::map<std::string, std::vector<Scope>> out;
  auto apps = platform_.apps.List();
  if (!apps.ok()) return out;
  bool default_has_own = false;
  const std::string default_env = config_.production() ? "production"
                                  : config_.node_env == "staging" ? "staging" : "development";
  for (const auto& app : *apps) {
    const auto* cdc = app.config.if_contains("cdc");
    if (!cdc || !cdc->is_object()) continue;
    for (const auto& [env, url] : cdc->get_object()) {
      if (!url.is_string() || url.get_string().empty()) continue;
      out[std::string(url.get_string())].push_back(Scope{app.id, std::string(env)});
      if (app.id == "default" && env == default_env) default_has_own = true;
    }
  }
  if (!config_.cdc_database_url.empty() && !default_has_own)
    out[config_.cdc_database_url].push_back(Scope{"default", default_env});
  return out;
}

void CdcModule::Sync() {
  auto configured = ConfiguredTargets();
  // Nothing changed (mappings, subscriptions, targets): keep the readers streaming as they are.
  // (Handing a reader its mappings again would restart its stream.)
  auto fp = repo_.Fingerprint();
  if (!fp.ok()) return;  // the database is down: keep what runs
  std::string state = *fp;
  for (const auto& [url, scopes] : configured) {
    state += '\x1e' + url;
    for (const auto& scope : scopes) state += '\x1f' + scope.Key();
  }
  if (state == fingerprint_) return;
  std::vector<std::unique_ptr<cdc::OutboxWorker>> retired_outboxes;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    for (auto it = outboxes_.begin(); it != outboxes_.end();) {
      auto found = configured.find(it->first);
      bool same = found != configured.end() && found->second == it->second->options().scopes;
      if (!same) {
        retired_outboxes.push_back(std::move(it->second));
        it = outboxes_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [url, scopes] : configured) {
      if (outboxes_.contains(url)) continue;
      cdc::OutboxOptions o;
      o.target_key = TargetKey(url);
      o.conninfo = url;
      o.scopes = scopes;
      o.poll = std::chrono::milliseconds(config_.cdc_poll_interval_ms);
      o.before_commit = [this] {
        if (barrier_) barrier_();
      };
      auto w = std::make_unique<cdc::OutboxWorker>(
          std::move(o), [this](const Scope& scope, events::RawEventInput in) { return Publish(scope, std::move(in)); });
      w->Start();
      outboxes_[url] = std::move(w);
    }
  }
  for (auto& w : retired_outboxes) w->Stop();

  auto rows = repo_.CapturedMappings();
  if (!rows.ok()) return;  // the database is down: keep what runs
  std::map<std::string, std::string> url_of;  // Scope::Key() -> target URL
  for (const auto& [url, scopes] : configured)
    for (const auto& scope : scopes) url_of[scope.Key()] = url;
  // target URL -> the mappings it serves
  std::map<std::string, std::vector<cdc::ReaderMapping>> targets;
  std::map<std::string, std::pair<Scope, std::vector<std::string>>> untargeted;  // by Scope::Key()
  for (const auto& row : *rows) {
    auto def = json::Parse(row.definition);
    if (!def.ok()) continue;
    auto mapping = cdc::ParseMapping(*def);
    if (!mapping.ok()) continue;
    mapping->id = row.id;
    mapping->version = row.version;
    auto compiled = cdc::CompiledMapping::Compile(*mapping);
    if (!compiled.ok()) continue;
    Scope scope{row.application_id, row.environment};
    auto found = url_of.find(scope.Key());
    std::string url = found != url_of.end() ? found->second : std::string();
    if (url.empty() && row.application_id == "default") url = config_.cdc_database_url;
    if (url.empty()) {  // no target for this scope: reported by the status route
      auto& u = untargeted[scope.Key()];
      u.first = scope;
      u.second.push_back(row.id);
      continue;
    }
    targets[url].push_back({std::move(scope), std::move(*compiled)});
  }
  std::vector<std::unique_ptr<cdc::CdcReader>> retired;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    untargeted_.clear();
    for (auto& [key, u] : untargeted) untargeted_.push_back(std::move(u));
    for (auto it = readers_.begin(); it != readers_.end();) {
      if (!targets.contains(it->first)) {
        retired.push_back(std::move(it->second));
        it = readers_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [url, mappings] : targets) {
      auto& reader = readers_[url];
      if (!reader) {
        cdc::ReaderOptions o;
        o.target_key = TargetKey(url);
        o.conninfo = url;
        // Slot names are per PostgreSQL server: CDC_DATABASE_URL's reader uses CDC_SLOT_NAME as
        // is; the readers of application targets (possibly databases of one server) get a suffix.
        o.slot = url == config_.cdc_database_url ? config_.cdc_slot_name
                                                 : config_.cdc_slot_name + "_" + TargetKey(url).substr(4, 8);
        o.set_replica_identity = config_.cdc_set_replica_identity;
        reader = std::make_unique<cdc::CdcReader>(std::move(o), *this);
        reader->SetMappings(std::move(mappings));
        reader->Start();
        log::Info("CDC reader started", {{"target", TargetKey(url)}, {"url", registry::MaskUrlPassword(url)}});
      } else {
        reader->SetMappings(std::move(mappings));
      }
    }
  }
  for (auto& r : retired) r->Stop();
  fingerprint_ = std::move(state);
}

rt::Status CdcModule::Publish(const Scope& scope, events::RawEventInput input) {
  auto id = router_.Publish(scope, std::move(input));
  if (!id.ok()) return id.take_error();
  return Ok();
}

Result<uint64_t> CdcModule::RoutedPosition(const std::string& target_key) {
  auto p = repo_.RoutedPosition(target_key);
  if (!p.ok()) return p.take_error();
  return static_cast<uint64_t>(*p);
}

rt::Status CdcModule::Record(const std::string& target_key, uint64_t commit_lsn, std::vector<cdc::CdcOutcome> outcomes,
                             bool complete) {
  std::vector<store::CdcEventRow> rows;
  rows.reserve(outcomes.size());
  for (auto& o : outcomes)
    rows.push_back({std::move(o.event_id), o.scope.application_id, o.scope.environment, std::move(o.mapping_id),
                    std::move(o.table), std::move(o.operation), std::move(o.topic), std::move(o.status),
                    std::move(o.error), std::move(o.lsn), o.at, std::move(o.log_id)});
  rt::Status st = repo_.RecordTransaction(rows, target_key, complete ? static_cast<int64_t>(commit_lsn) : 0);
  if (!st.ok()) log::Warn("CDC transaction not recorded (it will be resent)", {{"error", st.error().message}});
  return st;
}

namespace {

boost::json::value OutboxJson(const cdc::OutboxWorker* w) {
  if (!w) return nullptr;
  cdc::OutboxStatus o = w->status();
  return boost::json::object{{"state", o.state}, {"lastError", o.last_error}, {"routed", o.routed},
                             {"pending", o.pending}, {"lagSeconds", o.lag_seconds}};
}

}  // namespace

boost::json::array CdcModule::Status() const {
  boost::json::array out;
  std::lock_guard lock(mu_);
  for (const auto& [url, w] : outboxes_) {  // targets with an outbox but no reader (no mapping yet)
    if (readers_.contains(url)) continue;
    out.push_back(boost::json::object{{"target", w->options().target_key}, {"url", registry::MaskUrlPassword(url)},
                                      {"state", "idle"}, {"outbox", OutboxJson(w.get())}});
  }
  for (const auto& [scope, mapping_ids] : untargeted_) {  // the troubleshooting table's first row
    boost::json::array ids;
    for (const auto& id : mapping_ids) ids.emplace_back(id);
    out.push_back(boost::json::object{
        {"target", nullptr},
        {"applicationId", scope.application_id},
        {"environment", scope.environment},
        {"state", "error"},
        {"failure", "no_target"},
        {"lastError", "No CDC database configured for application " + scope.application_id + ", environment " +
                          scope.environment + ": set config.cdc." + scope.environment +
                          " in the application's settings" +
                          (scope.application_id == "default" ? " or CDC_DATABASE_URL" : "")},
        {"mappings", std::move(ids)}});
  }
  for (const auto& [url, reader] : readers_) {
    cdc::ReaderStatus s = reader->status();
    auto ob = outboxes_.find(url);
    boost::json::array tables, warnings;
    for (const auto& t : s.tables) tables.emplace_back(t);
    for (const auto& w : s.warnings) warnings.emplace_back(w);
    out.push_back(boost::json::object{{"target", reader->options().target_key},
                                      {"url", registry::MaskUrlPassword(url)},
                                      {"state", s.state},
                                      {"slot", s.slot},
                                      {"confirmedLsn", s.confirmed_lsn},
                                      {"lagBytes", s.lag_bytes},
                                      {"lagSeconds", s.lag_seconds},
                                      {"lastError", s.last_error},
                                      {"failure", s.failure},
                                      {"captured", s.captured},
                                      {"routed", s.routed},
                                      {"filtered", s.filtered},
                                      {"failed", s.failed},
                                      {"logSampledOut", s.log_sampled_out},
                                      {"tables", std::move(tables)},
                                      {"warnings", std::move(warnings)},
                                      {"outbox", OutboxJson(ob == outboxes_.end() ? nullptr : ob->second.get())}});
  }
  return out;
}

CdcModule::Totals CdcModule::Sum() const {
  Totals t;
  std::lock_guard lock(mu_);
  for (const auto& [url, reader] : readers_) {
    cdc::ReaderStatus s = reader->status();
    t.max_lag_seconds = std::max(t.max_lag_seconds, s.lag_seconds);
    t.captured += s.captured;
    t.routed += s.routed;
    t.failed += s.failed;
  }
  for (const auto& [url, w] : outboxes_) t.max_outbox_lag_seconds = std::max(t.max_outbox_lag_seconds, w->status().lag_seconds);
  return t;
}

std::string CdcModule::Metrics() const {
  std::string out =
      "# HELP realtime_cdc_lag_seconds Age of the last routed commit while the CDC reader is behind (0 when caught up)\n"
      "# TYPE realtime_cdc_lag_seconds gauge\n";
  std::string events =
      "# HELP realtime_cdc_events_total Row changes on mapped tables by outcome\n"
      "# TYPE realtime_cdc_events_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [url, reader] : readers_) {
    cdc::ReaderStatus s = reader->status();
    const std::string& t = reader->options().target_key;
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", s.lag_seconds);
    out += "realtime_cdc_lag_seconds{target=\"" + t + "\"} " + buf + "\n";
    events += "realtime_cdc_events_total{target=\"" + t + "\",outcome=\"routed\"} " + std::to_string(s.routed) + "\n";
    events += "realtime_cdc_events_total{target=\"" + t + "\",outcome=\"filtered\"} " + std::to_string(s.filtered) + "\n";
    events += "realtime_cdc_events_total{target=\"" + t + "\",outcome=\"failed\"} " + std::to_string(s.failed) + "\n";
  }
  return out + events;
}

}  // namespace rt::app
