#include "cdc/pg_replication.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cstring>
#include <set>

#include "cdc/pgoutput.h"

namespace rt::cdc {
namespace {

constexpr int64_t kPgEpochOffsetUs = 946684800LL * 1000000;  // 2000-01-01 in Unix µs

std::string ConnError(pg_conn* c) {
  std::string m = c ? PQerrorMessage(c) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Splits "schema.table" (default schema public) and quotes both parts as identifiers.
std::string QuotedTable(pg_conn* c, const std::string& table) {
  std::string schema = "public", name = table;
  if (auto dot = table.find('.'); dot != std::string::npos) {
    schema = table.substr(0, dot);
    name = table.substr(dot + 1);
  }
  auto quote = [c](const std::string& id) {
    char* q = PQescapeIdentifier(c, id.data(), id.size());
    std::string out = q ? q : "\"\"";
    PQfreemem(q);
    return out;
  };
  return quote(schema) + "." + quote(name);
}

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (i * 8)) & 0xff);
}

}  // namespace

const char* FailureName(Failure f) {
  switch (f) {
    case Failure::kNone: return "none";
    case Failure::kUnreachable: return "unreachable";
    case Failure::kWalLevel: return "wal_level";
    case Failure::kNotOwner: return "not_owner";
    case Failure::kNoRelation: return "relation_does_not_exist";
    case Failure::kSlotExists: return "slot_exists";
    case Failure::kSlotInUse: return "slot_in_use";
    case Failure::kPermission: return "permission";
    case Failure::kOther: return "other";
  }
  return "other";
}

Failure ClassifyPgError(std::string_view m) {
  auto has = [m](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("wal_level")) return Failure::kWalLevel;
  if (has("must be owner of")) return Failure::kNotOwner;
  if (has("does not exist") && (has("relation") || has("table") || has("schema"))) return Failure::kNoRelation;
  if (has("replication slot") && has("already exists")) return Failure::kSlotExists;
  if (has("replication slot") && has("is active for PID")) return Failure::kSlotInUse;
  if (has("permission denied") || has("must be superuser") || has("must have replication") ||
      has("REPLICATION attribute"))
    return Failure::kPermission;
  if (has("could not connect") || has("connection to server") || has("password authentication failed") ||
      has("Connection refused") || has("server closed the connection"))
    return Failure::kUnreachable;
  return Failure::kOther;
}

// ---- PgTarget -------------------------------------------------------------------------------

Result<std::unique_ptr<PgTarget>> PgTarget::Connect(const std::string& conninfo) {
  pg_conn* c = PQconnectdb(conninfo.c_str());
  if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
    std::string m = ConnError(c);
    if (c) PQfinish(c);
    return Error::Unavailable("CDC target unreachable: " + m);
  }
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);  // NOTICEs (e.g. DROP … CASCADE) are not errors
  return std::unique_ptr<PgTarget>(new PgTarget(c));
}

PgTarget::~PgTarget() { PQfinish(conn_); }

Error PgTarget::Fail(const std::string& what) {
  std::string m = ConnError(conn_);
  last_failure_ = ClassifyPgError(m);
  if (PQstatus(conn_) != CONNECTION_OK) last_failure_ = Failure::kUnreachable;
  return Error::Unavailable(what + ": " + m);
}

Status PgTarget::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  PQclear(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail("SQL failed");
  return Ok();
}

Status PgTarget::CheckWalLevel() {
  PGresult* r = PQexec(conn_, "SHOW wal_level");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return Fail("cannot read wal_level");
  }
  std::string level = PQgetvalue(r, 0, 0);
  PQclear(r);
  if (level != "logical") {
    last_failure_ = Failure::kWalLevel;
    return Error::Unavailable("wal_level is not logical (it is " + level +
                              "): set wal_level = 'logical' on the target and restart PostgreSQL");
  }
  return Ok();
}

Status PgTarget::SyncPublication(const std::string& publication, const std::vector<std::string>& tables) {
  const char* params[1] = {publication.c_str()};
  PGresult* r = PQexecParams(conn_, "SELECT 1 FROM pg_publication WHERE pubname = $1", 1, nullptr, params, nullptr,
                             nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return Fail("cannot read publications");
  }
  bool exists = PQntuples(r) > 0;
  PQclear(r);
  char* q = PQescapeIdentifier(conn_, publication.data(), publication.size());
  std::string pub = q ? q : "";
  PQfreemem(q);
  if (!exists) RT_TRY(Exec("CREATE PUBLICATION " + pub));
  // Current members, schema-qualified.
  r = PQexecParams(conn_, "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = $1", 1,
                   nullptr, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return Fail("cannot read the publication's tables");
  }
  std::set<std::string> have;
  for (int i = 0; i < PQntuples(r); ++i) have.insert(PQgetvalue(r, i, 0));
  PQclear(r);
  std::set<std::string> want;
  for (const auto& t : tables) want.insert(t.find('.') == std::string::npos ? "public." + t : t);
  for (const auto& t : want)
    if (!have.contains(t)) {
      Status st = Exec("ALTER PUBLICATION " + pub + " ADD TABLE " + QuotedTable(conn_, t));
      if (!st.ok()) return Error::Unavailable("cannot add " + t + " to publication " + publication + ": " +
                                              st.error().message);
    }
  for (const auto& t : have)
    if (!want.contains(t)) RT_TRY(Exec("ALTER PUBLICATION " + pub + " DROP TABLE " + QuotedTable(conn_, t)));
  return Ok();
}

Status PgTarget::SetReplicaIdentityFull(const std::string& table) {
  return Exec("ALTER TABLE " + QuotedTable(conn_, table) + " REPLICA IDENTITY FULL");
}

Result<char> PgTarget::ReplicaIdentity(const std::string& table) {
  std::string sql = "SELECT relreplident FROM pg_class WHERE oid = '" + QuotedTable(conn_, table) + "'::regclass";
  PGresult* r = PQexec(conn_, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    PQclear(r);
    return Fail("cannot read the replica identity of " + table);
  }
  char c = PQgetvalue(r, 0, 0)[0];
  PQclear(r);
  return c;
}

Result<uint64_t> PgTarget::EnsureSlot(const std::string& slot) {
  auto confirmed = ConfirmedFlushLsn(slot);
  if (confirmed.ok()) return *confirmed;
  if (confirmed.error().code != ErrorCode::kNotFound) return confirmed.take_error();
  const char* params[1] = {slot.c_str()};
  PGresult* r = PQexecParams(conn_, "SELECT lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')", 1, nullptr,
                             params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    Error e = Fail("cannot create replication slot " + slot);
    if (last_failure_ == Failure::kSlotExists) {  // created concurrently: use it
      auto again = ConfirmedFlushLsn(slot);
      if (again.ok()) return *again;
    }
    return e;
  }
  PQclear(r);
  return uint64_t{0};
}

Status PgTarget::DropSlot(const std::string& slot) {
  const char* params[1] = {slot.c_str()};
  PGresult* r = PQexecParams(conn_, "SELECT pg_drop_replication_slot($1)", 1, nullptr, params, nullptr, nullptr, 0);
  bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  PQclear(r);
  return ok ? Ok() : Status(Fail("cannot drop replication slot " + slot));
}

Result<uint64_t> PgTarget::CurrentLsn() {
  PGresult* r = PQexec(conn_, "SELECT pg_current_wal_insert_lsn()");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return Fail("cannot read the WAL position");
  }
  auto parsed = ParseLsn(PQgetvalue(r, 0, 0));
  uint64_t lsn = parsed.ok() ? *parsed : 0;
  PQclear(r);
  return lsn;
}

Result<uint64_t> PgTarget::ConfirmedFlushLsn(const std::string& slot) {
  const char* params[1] = {slot.c_str()};
  PGresult* r = PQexecParams(conn_,
                             "SELECT confirmed_flush_lsn, plugin FROM pg_replication_slots WHERE slot_name = $1", 1,
                             nullptr, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return Fail("cannot read replication slots");
  }
  if (PQntuples(r) == 0) {
    PQclear(r);
    return Error::NotFound("replication slot " + slot + " does not exist");
  }
  std::string plugin = PQgetvalue(r, 0, 1);
  auto parsed = PQgetisnull(r, 0, 0) ? Result<Lsn>(Lsn{0}) : ParseLsn(PQgetvalue(r, 0, 0));
  uint64_t lsn = parsed.ok() ? *parsed : 0;
  PQclear(r);
  if (plugin != "pgoutput") {
    last_failure_ = Failure::kSlotExists;
    return Error::Conflict("replication slot \"" + slot + "\" already exists with plugin " + plugin +
                           " (pgoutput is needed): drop it with SELECT pg_drop_replication_slot('" + slot +
                           "') or set CDC_SLOT_NAME");
  }
  return lsn;
}

// ---- PgReplicationStream --------------------------------------------------------------------

Result<std::unique_ptr<PgReplicationStream>> PgReplicationStream::Start(const StreamOptions& o) {
  // DateStyle ISO: pgoutput sends column text in the walsender's DateStyle (cdc/pg_values.h reads ISO).
  const char* keys[] = {"dbname", "replication", "options", nullptr};
  const char* values[] = {o.conninfo.c_str(), "database", "-c DateStyle=ISO", nullptr};
  pg_conn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
    std::string m = ConnError(c);
    if (c) PQfinish(c);
    return Error::Unavailable("CDC replication connection failed: " + m);
  }
  std::unique_ptr<PgReplicationStream> s(new PgReplicationStream(c));
  char* slot = PQescapeIdentifier(c, o.slot.data(), o.slot.size());
  char* pub = PQescapeLiteral(c, o.publication.data(), o.publication.size());
  std::string sql = std::string("START_REPLICATION SLOT ") + (slot ? slot : "") + " LOGICAL " + FormatLsn(o.start_lsn) +
                    " (proto_version '1', publication_names " + (pub ? pub : "''") + ")";
  PQfreemem(slot);
  PQfreemem(pub);
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  PQclear(r);
  if (st != PGRES_COPY_BOTH) {
    std::string m = ConnError(c);
    s->last_failure_ = ClassifyPgError(m);
    return Error::Unavailable("START_REPLICATION failed: " + m);
  }
  return s;
}

PgReplicationStream::~PgReplicationStream() {
  if (conn_) {
    PQputCopyEnd(conn_, nullptr);
    PQfinish(conn_);
  }
}

Result<std::optional<std::string>> PgReplicationStream::Next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (bool polled = false;; polled = true) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn_, &buf, /*async=*/1);
    if (n > 0) {
      std::string out(buf, static_cast<size_t>(n));
      PQfreemem(buf);
      return std::optional<std::string>(std::move(out));
    }
    if (n == -1) {  // the server ended the stream
      PGresult* r = PQgetResult(conn_);
      std::string m = r ? PQresultErrorMessage(r) : "";
      PQclear(r);
      last_failure_ = ClassifyPgError(m);
      return Error::Unavailable("replication stream ended" + (m.empty() ? std::string() : ": " + m));
    }
    if (n == -2) {
      std::string m = ConnError(conn_);
      last_failure_ = ClassifyPgError(m);
      return Error::Unavailable("replication stream broke: " + m);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 && polled) return std::optional<std::string>();  // (timeout 0: one look at the socket)
    pollfd p{PQsocket(conn_), POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (ready < 0 && errno != EINTR) return Error::Unavailable(std::string("poll failed: ") + strerror(errno));
    if (ready > 0 && PQconsumeInput(conn_) == 0) {
      std::string m = ConnError(conn_);
      last_failure_ = Failure::kUnreachable;
      return Error::Unavailable("replication connection lost: " + m);
    }
  }
}

Status PgReplicationStream::SendStatus(uint64_t received, uint64_t flushed, bool reply_requested) {
  std::string msg;
  msg.reserve(34);
  msg += 'r';
  PutU64(msg, received);
  PutU64(msg, flushed);
  PutU64(msg, flushed);  // applied
  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  PutU64(msg, static_cast<uint64_t>(now_us - kPgEpochOffsetUs));
  msg += static_cast<char>(reply_requested ? 1 : 0);
  if (PQputCopyData(conn_, msg.data(), static_cast<int>(msg.size())) != 1 || PQflush(conn_) != 0)
    return Error::Unavailable("cannot send the standby status: " + ConnError(conn_));
  return Ok();
}

}  // namespace rt::cdc
