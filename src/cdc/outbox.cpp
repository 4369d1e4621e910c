#include "cdc/outbox.h"

#include <libpq-fe.h>

#include "core/encoding.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"

namespace rt::cdc {

const char* const kOutboxDdl = R"sql(
CREATE TABLE IF NOT EXISTS event_outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  table_name text,
  operation text,
  created_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
CREATE INDEX IF NOT EXISTS event_outbox_unprocessed_idx ON event_outbox (id) WHERE processed_at IS NULL;
)sql";

namespace {

constexpr auto kAbsentRecheck = std::chrono::seconds(30);
constexpr auto kCleanupEvery = std::chrono::hours(1);

struct PgResult {
  PGresult* r;
  ~PgResult() { PQclear(r); }
};

std::string ErrorOf(pg_conn* c) {
  std::string m = c ? PQerrorMessage(c) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Status Exec(pg_conn* c, const char* sql) {
  PgResult r{PQexec(c, sql)};
  auto st = PQresultStatus(r.r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error::Unavailable(ErrorOf(c));
  return Ok();
}

std::string OutboxEventId(const std::string& target, const std::string& row_id) {
  return "evt_" + LowerHex(Sha256(target + "\x1foutbox\x1f" + row_id)).substr(0, 16);
}

}  // namespace

OutboxWorker::OutboxWorker(OutboxOptions options, OutboxPublish publish)
    : options_(std::move(options)), publish_(std::move(publish)) {}

OutboxWorker::~OutboxWorker() { Stop(); }

void OutboxWorker::Start() { thread_ = std::thread([this] { Run(); }); }

void OutboxWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  status_.state = "stopped";
}

OutboxStatus OutboxWorker::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

Result<int> OutboxWorker::PollOnce(pg_conn* c) {
  RT_TRY(Exec(c, "BEGIN"));
  std::string limit = std::to_string(options_.batch);
  std::string sql =
      "SELECT id, topic, event_type, payload::text, table_name, operation FROM event_outbox WHERE processed_at IS "
      "NULL ORDER BY id LIMIT " + limit + " FOR UPDATE SKIP LOCKED";
  PgResult r{PQexec(c, sql.c_str())};
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK) {
    Error e = Error::Unavailable(ErrorOf(c));
    (void)Exec(c, "ROLLBACK");
    return e;
  }
  int n = PQntuples(r.r);
  std::string ids;
  int routed = 0;
  for (int i = 0; i < n; ++i) {
    std::string id = PQgetvalue(r.r, i, 0);
    auto payload = json::Parse(PQgetvalue(r.r, i, 3));
    for (const Scope& scope : options_.scopes) {
      events::RawEventInput in;
      in.topic = PQgetvalue(r.r, i, 1);
      in.source = events::Source::kDatabase;
      in.type = PQgetvalue(r.r, i, 2);
      if (payload.ok() && payload->is_object()) in.payload = payload->get_object();
      else if (payload.ok()) in.payload = boost::json::object{{"value", *payload}};
      if (!PQgetisnull(r.r, i, 4)) in.table = std::string(PQgetvalue(r.r, i, 4));
      if (!PQgetisnull(r.r, i, 5)) in.operation = std::string(PQgetvalue(r.r, i, 5));
      in.id = OutboxEventId(options_.target_key + '\x1f' + scope.Key(), id);
      Status st = publish_(scope, std::move(in));
      if (!st.ok())  // an invalid row (e.g. a reserved topic) never becomes valid: processed, logged
        log::Error("outbox row refused by the router; marked processed",
                   {{"target", options_.target_key}, {"outboxId", id}, {"error", st.error().message}});
      else
        ++routed;
    }
    if (!ids.empty()) ids += ',';
    ids += id;
  }
  if (n > 0 && options_.before_commit) options_.before_commit();
  if (n > 0) {
    std::string update = "UPDATE event_outbox SET processed_at = now() WHERE id IN (" + ids + ")";
    if (Status st = Exec(c, update.c_str()); !st.ok()) {
      (void)Exec(c, "ROLLBACK");
      return st.error();
    }
  }
  RT_TRY(Exec(c, "COMMIT"));
  std::lock_guard lock(mu_);
  status_.routed += static_cast<uint64_t>(routed);
  return n;
}

void OutboxWorker::Run() {
  pg_conn* conn = nullptr;
  auto next_cleanup = std::chrono::steady_clock::now();
  auto next_lag = std::chrono::steady_clock::now();
  auto wait = [this](std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, d, [this] { return stop_; });
  };
  auto set = [this](const char* state, std::string error = {}) {
    std::lock_guard lock(mu_);
    status_.state = state;
    if (!error.empty() || std::string(state) != "error") status_.last_error = std::move(error);
  };
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) break;
    }
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      if (conn) PQfinish(conn);
      set("starting");
      conn = PQconnectdb(options_.conninfo.c_str());
      if (PQstatus(conn) != CONNECTION_OK) {
        set("error", "outbox: cannot connect: " + ErrorOf(conn));
        PQfinish(conn);
        conn = nullptr;
        if (wait(std::chrono::milliseconds(2000))) break;
        continue;
      }
      PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    }
    {
      PgResult r{PQexec(conn, "SELECT to_regclass('event_outbox') IS NOT NULL")};
      bool present = PQresultStatus(r.r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r.r, 0, 0)) == "t";
      if (!present) {
        set("absent");
        if (wait(kAbsentRecheck)) break;
        continue;
      }
    }
    auto n = PollOnce(conn);
    if (!n.ok()) {
      set("error", "outbox: " + n.error().message);
      if (wait(std::chrono::milliseconds(2000))) break;
      continue;
    }
    set("polling");
    if (std::chrono::steady_clock::now() >= next_cleanup) {
      next_cleanup = std::chrono::steady_clock::now() + kCleanupEvery;
      (void)Exec(conn, "DELETE FROM event_outbox WHERE processed_at < now() - interval '1 day'");
    }
    if (std::chrono::steady_clock::now() >= next_lag) {  // outbox lag: the oldest unprocessed row
      next_lag = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      PgResult r{PQexec(conn,
                        "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) FROM event_outbox "
                        "WHERE processed_at IS NULL")};
      if (PQresultStatus(r.r) == PGRES_TUPLES_OK) {
        std::lock_guard lock(mu_);
        status_.pending = std::stoll(PQgetvalue(r.r, 0, 0));
        status_.lag_seconds = std::stod(PQgetvalue(r.r, 0, 1));
      }
    }
    if (*n >= options_.batch) continue;  // more waiting: at once
    if (wait(options_.poll)) break;
  }
  if (conn) PQfinish(conn);
}

}  // namespace rt::cdc
