#include "cdc/reader.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "cdc/pg_values.h"
#include "cdc/pgoutput.h"
#include "cdc/recorder.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "core/log.h"

namespace rt::cdc {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(500);
constexpr auto kLagEvery = std::chrono::seconds(5);
constexpr auto kGroupWindow = std::chrono::milliseconds(20);  // longest a committed transaction waits to be recorded

std::string StatusOf(OutcomeKind k) {
  switch (k) {
    case OutcomeKind::kEmitted: return "routed";
    case OutcomeKind::kFilteredWhen: return "filtered_when";
    case OutcomeKind::kFilteredTrigger: return "filtered_trigger";
    case OutcomeKind::kNeedsOldRow: return "needs_old_row";
    case OutcomeKind::kTemplateError: return "failed_template";
    default: return "skipped";
  }
}

// evt_ + 16 hex of SHA-256(target, commit LSN, change index, mapping id, scope): the same change gives
// the same id when PostgreSQL resends its transaction after a crash.
std::string DeriveEventId(const std::string& target, Lsn commit_lsn, uint64_t change_index, const std::string& mapping,
                          const Scope& scope) {
  std::string key = target + '\x1f' + std::to_string(commit_lsn) + '\x1f' + std::to_string(change_index) + '\x1f' +
                    mapping + '\x1f' + scope.Key();
  return "evt_" + LowerHex(std::string_view(Sha256(key)).substr(0, 8));
}

}  // namespace

struct CdcReader::Shared {
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  uint64_t version = 0;
  std::vector<ReaderMapping> mappings;
  ReaderStatus status;
};

CdcReader::CdcReader(ReaderOptions options, ReaderSink& sink)
    : options_(std::move(options)), sink_(sink), shared_(std::make_unique<Shared>()) {
  shared_->status.slot = options_.slot;
}

CdcReader::~CdcReader() { Stop(); }

void CdcReader::SetMappings(std::vector<ReaderMapping> mappings) {
  {
    std::lock_guard lock(shared_->mu);
    shared_->mappings = std::move(mappings);
    ++shared_->version;
  }
  shared_->cv.notify_all();
}

void CdcReader::Start() { thread_ = std::thread([this] { Run(); }); }

void CdcReader::Stop() {
  {
    std::lock_guard lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(shared_->mu);
  shared_->status.state = "stopped";
}

ReaderStatus CdcReader::status() const {
  std::lock_guard lock(shared_->mu);
  return shared_->status;
}

void CdcReader::Run() {
  for (;;) {
    Status st = RunOnce();
    std::unique_lock lock(shared_->mu);
    if (shared_->stop) return;
    if (!st.ok()) {
      if (shared_->status.state != "standby") shared_->status.state = "error";
      if (shared_->status.last_error != st.error().message)
        log::Warn("CDC reader", {{"target", options_.target_key}, {"state", shared_->status.state},
                                 {"error", st.error().message}});
      shared_->status.last_error = st.error().message;
      shared_->cv.wait_for(lock, options_.retry_delay, [this] { return shared_->stop; });
    }
  }
}

Status CdcReader::RunOnce() {
  auto fail = [this](Failure f, const Error& e) -> Status {
    std::lock_guard lock(shared_->mu);
    shared_->status.failure = FailureName(f);
    shared_->status.state = f == Failure::kSlotInUse ? "standby" : "error";
    return e;
  };
  std::vector<ReaderMapping> mappings;
  uint64_t version = 0;
  {
    std::unique_lock lock(shared_->mu);
    if (shared_->mappings.empty()) {  // nothing to capture: hold no slot, wait for mappings
      shared_->status.state = "idle";
      shared_->status.tables.clear();
      uint64_t seen = shared_->version;
      shared_->cv.wait(lock, [&] { return shared_->stop || shared_->version != seen; });
      return Ok();
    }
    mappings = shared_->mappings;
    version = shared_->version;
    shared_->status.state = "starting";
  }

  auto target = PgTarget::Connect(options_.conninfo);
  if (!target.ok()) return fail(Failure::kUnreachable, target.error());
  PgTarget& t = **target;
  if (Status st = t.CheckWalLevel(); !st.ok()) return fail(t.last_failure(), st.error());

  std::set<std::string> table_set;
  std::unordered_map<std::string, std::vector<size_t>> by_table;  // "schema.table" -> mappings
  for (size_t i = 0; i < mappings.size(); ++i) {
    std::string key = mappings[i].compiled.schema() + "." + mappings[i].compiled.table();
    table_set.insert(key);
    by_table[key].push_back(i);
  }
  std::vector<std::string> tables(table_set.begin(), table_set.end());
  if (Status st = t.SyncPublication(options_.publication, tables); !st.ok()) return fail(t.last_failure(), st.error());
  std::vector<std::string> warnings;
  for (const auto& m : mappings) {
    if (!NeedsOldRow(m.compiled.mapping())) continue;
    std::string table = m.compiled.schema() + "." + m.compiled.table();
    auto ident = t.ReplicaIdentity(table);
    if (ident.ok() && *ident == 'f') continue;
    if (options_.set_replica_identity) {
      if (Status st = t.SetReplicaIdentityFull(table); st.ok()) continue;
    }
    warnings.push_back("mapping " + m.compiled.mapping().id + " uses changed/triggerColumns but " + table +
                       " does not have REPLICA IDENTITY FULL: old values are unknown, such changes are reported as "
                       "needs_old_row");
  }
  auto confirmed_at_start = t.EnsureSlot(options_.slot);
  if (!confirmed_at_start.ok()) return fail(t.last_failure(), confirmed_at_start.error());
  auto routed_position = sink_.RoutedPosition(options_.target_key);
  if (!routed_position.ok()) return fail(Failure::kOther, routed_position.error());
  auto stream = PgReplicationStream::Start({options_.conninfo, options_.slot, options_.publication, 0});
  if (!stream.ok()) return fail(ClassifyPgError(stream.error().message), stream.error());
  PgReplicationStream& s = **stream;
  {
    std::lock_guard lock(shared_->mu);
    shared_->status.state = "streaming";
    shared_->status.tables = tables;
    shared_->status.warnings = warnings;
    shared_->status.failure.clear();
    shared_->status.last_error.clear();
  }
  log::Info("CDC reader streaming", {{"target", options_.target_key}, {"slot", options_.slot},
                                     {"tables", static_cast<int64_t>(tables.size())}});

  RelationCache relations;
  Lsn confirmed = *confirmed_at_start;
  TxRecorder recorder(sink_, options_.target_key);  // joined on every way out of this function
  bool in_tx = false;
  bool replay = false;  // the transaction was routed before a crash: skip it, confirm it
  Begin tx;
  uint64_t change_index = 0;
  struct Pending {
    Scope scope;
    events::RawEventInput input;
    size_t outcome;  // index into outcomes
  };
  std::vector<Pending> pending;
  std::vector<CdcOutcome> outcomes;
  bool chunked = false;  // the current transaction already published and recorded a chunk
  int64_t last_commit_ms = 0;
  // Group recording: committed transactions are published at once, then recorded and confirmed
  // together — when the stream has nothing more to read right now, after kGroupWindow, or at
  // kChunkEvents outcomes — so a burst of small transactions costs one sink transaction.
  std::vector<CdcOutcome> group;  // outcomes of committed transactions not yet recorded
  bool group_open = false, group_chunked = false;
  Lsn group_commit = 0, group_end = 0;
  auto group_since = std::chrono::steady_clock::now();
  auto publish_pending = [&] {
    uint64_t routed = 0, failed = 0;
    for (auto& p : pending) {
      auto r = sink_.Publish(p.scope, std::move(p.input));
      if (r.ok()) {
        ++routed;
      } else {
        ++failed;
        outcomes[p.outcome].status = r.error().code == ErrorCode::kValidation ? "failed_schema" : "failed";
        outcomes[p.outcome].error = r.error().message;
      }
    }
    pending.clear();
    std::lock_guard lock(shared_->mu);
    shared_->status.routed += routed;
    shared_->status.failed += failed;
  };
  // Routed outcomes beyond the log budget are left out of the log (kRoutedLogPerSecond).
  double log_budget = static_cast<double>(kChunkEvents);
  auto log_refilled = std::chrono::steady_clock::now();
  auto sample = [&](std::vector<CdcOutcome>& v) {
    auto now = std::chrono::steady_clock::now();
    log_budget = std::min<double>(kChunkEvents, log_budget + kRoutedLogPerSecond *
                                                                 std::chrono::duration<double>(now - log_refilled).count());
    log_refilled = now;
    size_t kept = 0, dropped = 0;
    for (auto& o : v) {
      if (o.status == "routed") {
        if (log_budget < 1) {
          ++dropped;
          continue;
        }
        log_budget -= 1;
      }
      if (&v[kept] != &o) v[kept] = std::move(o);
      ++kept;
    }
    v.resize(kept);
    if (dropped) {
      std::lock_guard lock(shared_->mu);
      shared_->status.log_sampled_out += dropped;
    }
  };
  // Not recorded: not confirmed (PostgreSQL resends after the reconnect).
  auto recorder_status = [&]() -> Status {
    if (auto e = recorder.error()) return *e;
    return Ok();
  };
  auto record_group = [&]() -> Status {
    if (!group_open) return Ok();
    bool record = !group.empty() || group_chunked;  // (transactions on unmapped tables record nothing)
    if (record) {
      sample(group);
      sink_.AfterPublish();
    }
    recorder.Enqueue(std::move(group), group_commit, group_end, /*complete=*/true, record);
    group.clear();
    group_open = group_chunked = false;
    return recorder_status();
  };
  auto record_chunk = [&]() -> Status {  // a large transaction streams
    RT_TRY(record_group());
    publish_pending();
    sample(outcomes);
    sink_.AfterPublish();
    recorder.Enqueue(std::move(outcomes), tx.final_lsn, 0, /*complete=*/false, /*record=*/true);
    outcomes.clear();
    chunked = true;
    return recorder_status();
  };
  // Confirms to PostgreSQL what the recorder has made durable.
  auto confirm = [&]() -> Status {
    RT_TRY(recorder_status());
    Lsn durable = recorder.durable();
    if (durable <= confirmed) return Ok();
    confirmed = durable;
    RT_TRY(s.SendStatus(confirmed, confirmed));
    std::lock_guard lock(shared_->mu);
    shared_->status.confirmed_lsn = FormatLsn(confirmed);
    return Ok();
  };
  auto next_lag = std::chrono::steady_clock::now();

  auto handle_change = [&](uint32_t relation_id, Operation op, const TupleData* new_tuple, const TupleData* old_tuple,
                           OldImage old_image) -> Status {
    auto rel = relations.Get(relation_id);
    if (!rel.ok()) return rel.take_error();
    std::string key = (*rel)->schema + "." + (*rel)->name;
    auto it = by_table.find(key);
    uint64_t index = change_index++;
    if (it == by_table.end() || replay) return Ok();
    Row new_row, old_row;
    if (new_tuple) {
      auto r = DecodeRow(**rel, *new_tuple);
      if (!r.ok()) return r.take_error();
      new_row = std::move(*r);
    }
    bool has_old = old_tuple != nullptr && old_image != OldImage::kNone;
    if (has_old) {
      auto r = DecodeRow(**rel, *old_tuple, old_image == OldImage::kKey);
      if (!r.ok()) return r.take_error();
      old_row = std::move(*r);
    }
    RowChange change{(*rel)->schema, (*rel)->name, op, new_tuple ? &new_row.values : nullptr,
                     has_old ? &old_row.values : nullptr, old_image == OldImage::kFull};
    std::lock_guard lock(shared_->mu);
    ++shared_->status.captured;
    for (size_t i : it->second) {
      const ReaderMapping& m = mappings[i];
      MappedEvent ev;
      Outcome o = m.compiled.Evaluate(change, &ev);
      if (o.kind == OutcomeKind::kNotThisTable || o.kind == OutcomeKind::kNotThisEvent) continue;
      const std::string& mapping_id = m.compiled.mapping().id;
      CdcOutcome rec{DeriveEventId(options_.target_key, tx.final_lsn, index, mapping_id, m.scope), m.scope, mapping_id,
                     m.compiled.mapping().TableName(), std::string(OperationName(op)), m.compiled.mapping().topic,
                     StatusOf(o.kind), o.message, FormatLsn(tx.final_lsn), NowMs()};
      char log_id[64];
      snprintf(log_id, sizeof log_id, "log_%016llx%08llx%.4s", static_cast<unsigned long long>(tx.final_lsn),
               static_cast<unsigned long long>(index), rec.event_id.c_str() + 4);
      rec.log_id = log_id;
      if (o.emitted()) {
        events::RawEventInput in;
        in.topic = std::move(ev.topic);
        in.source = events::Source::kDatabase;
        in.type = std::move(ev.type);
        in.payload = std::move(ev.payload);
        in.table = std::move(ev.table);
        in.operation = std::string(OperationName(ev.operation));
        in.id = rec.event_id;
        pending.push_back({m.scope, std::move(in), outcomes.size()});
      } else {
        ++shared_->status.filtered;
      }
      outcomes.push_back(std::move(rec));
    }
    return Ok();
  };

  for (;;) {
    {
      std::lock_guard lock(shared_->mu);
      if (shared_->stop || shared_->version != version) break;
    }
    if (std::chrono::steady_clock::now() >= next_lag) {
      next_lag = std::chrono::steady_clock::now() + kLagEvery;
      auto current = t.CurrentLsn();
      std::lock_guard lock(shared_->mu);
      shared_->status.confirmed_lsn = FormatLsn(confirmed);
      if (current.ok()) {
        shared_->status.lag_bytes = *current > confirmed ? static_cast<int64_t>(*current - confirmed) : 0;
        shared_->status.lag_seconds =
            shared_->status.lag_bytes > 0 && last_commit_ms > 0 ? (NowMs() - last_commit_ms) / 1000.0 : 0;
      }
      if (Status st = s.SendStatus(confirmed, confirmed); !st.ok()) return st;
    }
    RT_TRY(confirm());
    auto msg = s.Next(group_open       ? std::chrono::milliseconds(0)
                      : recorder.idle() ? kPoll
                                        : std::chrono::milliseconds(5));  // soon: confirm what gets recorded
    if (!msg.ok()) return fail(s.last_failure(), msg.error());
    if (!*msg) {  // nothing more to read right now
      RT_TRY(record_group());
      continue;
    }
    auto decoded = DecodeCopyData(**msg);
    if (!decoded.ok()) return decoded.take_error();
    if (auto* k = std::get_if<PrimaryKeepalive>(&*decoded)) {
      RT_TRY(record_group());
      // Everything before it was sent, handled and (recorder idle) recorded.
      if (!in_tx && recorder.idle() && k->wal_end > confirmed) confirmed = k->wal_end;
      if (k->reply_requested) RT_TRY(s.SendStatus(confirmed, confirmed));
      continue;
    }
    auto& x = std::get<XLogData>(*decoded);
    Status st = Ok();
    std::visit(
        [&](auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, Begin>) {
            in_tx = true;
            tx = m;
            replay = m.final_lsn <= *routed_position;
            change_index = 0;
            chunked = false;
            pending.clear();
            outcomes.clear();
          } else if constexpr (std::is_same_v<M, Relation>) {
            relations.Put(std::move(m));
          } else if constexpr (std::is_same_v<M, Insert>) {
            st = handle_change(m.relation_id, Operation::kInsert, &m.new_tuple, nullptr, OldImage::kNone);
          } else if constexpr (std::is_same_v<M, Update>) {
            st = handle_change(m.relation_id, Operation::kUpdate, &m.new_tuple, &m.old_tuple, m.old_image);
          } else if constexpr (std::is_same_v<M, Delete>) {
            st = handle_change(m.relation_id, Operation::kDelete, nullptr, &m.old_tuple, m.old_image);
          } else if constexpr (std::is_same_v<M, Commit>) {
            publish_pending();
            for (auto& o : outcomes) group.push_back(std::move(o));
            outcomes.clear();
            if (!group_open) group_since = std::chrono::steady_clock::now();
            group_open = true;
            group_chunked = group_chunked || chunked;
            group_commit = tx.final_lsn;
            group_end = m.end_lsn;
            in_tx = false;
            last_commit_ms = PgMicrosToUnixMicros(m.commit_time) / 1000;
            if (group.size() >= kChunkEvents || std::chrono::steady_clock::now() - group_since >= kGroupWindow)
              st = record_group();
          }
          // Origin, Type, Truncate and logical messages carry nothing to map (docs/cdc.md).
        },
        x.message);
    if (!st.ok()) return st;
    if (outcomes.size() >= kChunkEvents) RT_TRY(record_chunk());
  }
  // Mappings changed or stopping: record and confirm what is handled; the next cycle resumes there.
  RT_TRY(record_group());
  RT_TRY(recorder.Drain());
  RT_TRY(confirm());
  (void)s.SendStatus(confirmed, confirmed);
  return Ok();
}

}  // namespace rt::cdc
