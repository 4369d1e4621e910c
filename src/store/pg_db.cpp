#include "store/pg_db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <boost/url/parse.hpp>

namespace rt::store {
namespace {

// PostgreSQL type OIDs we map to native values.
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701;

struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, ResultCloser>;

Error PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = std::string(what) + ": ";
  const char* detail = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  msg += detail ? detail : "unknown error";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (PQstatus(conn) == CONNECTION_BAD) return {ErrorCode::kUnavailable, msg, nullptr};
  if (state) {
    std::string_view s(state);
    if (s == "23505") return {ErrorCode::kConflict, msg, nullptr};                     // unique_violation
    if (s.starts_with("23")) return {ErrorCode::kValidation, msg, nullptr};            // other integrity
    if (s.starts_with("08") || s.starts_with("57")) return {ErrorCode::kUnavailable, msg, nullptr};
  }
  return {ErrorCode::kInternal, msg, nullptr};
}

// Statements worth preparing: the DML and queries of the hot paths (utility statements and
// scripts go unnamed, as before).
bool Preparable(std::string_view sql) {
  size_t i = sql.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return false;
  std::string_view head = sql.substr(i, 6);
  for (std::string_view w : {"SELECT", "INSERT", "UPDATE", "DELETE"})
    if (head.size() == w.size() && std::equal(w.begin(), w.end(), head.begin(), [](char a, char b) {
          return a == std::toupper(static_cast<unsigned char>(b));
        }))
      return true;
  return false;
}

Result<DbResult> ExecOn(PGconn* conn, PgPrepared* prepared, std::string_view sql, const DbParams& params) {
  std::vector<std::string> text(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const DbValue& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) continue;
    if (auto* d = std::get_if<double>(&v)) {
      char buf[64];
      snprintf(buf, sizeof buf, "%.17g", *d);
      text[i] = buf;
    } else {
      text[i] = AsString(v);
    }
    values[i] = text[i].c_str();
  }
  std::string q(sql);
  const int n = static_cast<int>(params.size());
  PgResultPtr res;
  // Prepared once per connection and SQL text (pg_db.h, "Prepared statements").
  const std::string* name = nullptr;
  if (prepared && Preparable(sql)) {
    auto it = prepared->names.find(q);
    if (it != prepared->names.end()) {
      name = &it->second;
    } else if (prepared->names.size() < PgPrepared::kMax) {
      std::string fresh = "rt_" + std::to_string(prepared->next++);
      PgResultPtr made(PQprepare(conn, fresh.c_str(), q.c_str(), n, nullptr));
      if (!made || PQresultStatus(made.get()) != PGRES_COMMAND_OK) return PgError(conn, made.get(), "query");
      name = &prepared->names.emplace(q, std::move(fresh)).first->second;
    }
  }
  if (name) {
    res.reset(PQexecPrepared(conn, name->c_str(), n, values.data(), nullptr, nullptr, 0));
    const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
    // A plan invalidated by a schema change ("cached plan must not change result type") or a
    // statement the server lost: forget it; outside a transaction, run this call unnamed.
    if (state && (std::string_view(state) == "0A000" || std::string_view(state) == "26000")) {
      prepared->names.erase(q);
      if (PQtransactionStatus(conn) == PQTRANS_IDLE) name = nullptr;
    }
  }
  if (!name) res.reset(PQexecParams(conn, q.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0));
  auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn, res.get(), "query");

  DbResult out;
  int ncol = PQnfields(res.get());
  int nrow = PQntuples(res.get());
  for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(res.get(), c));
  out.rows.reserve(nrow);
  for (int r = 0; r < nrow; ++r) {
    std::vector<DbValue> row;
    row.reserve(ncol);
    for (int c = 0; c < ncol; ++c) {
      if (PQgetisnull(res.get(), r, c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      const char* val = PQgetvalue(res.get(), r, c);
      switch (PQftype(res.get(), c)) {
        case kBoolOid: row.emplace_back(static_cast<int64_t>(val[0] == 't')); break;
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid: row.emplace_back(static_cast<int64_t>(std::strtoll(val, nullptr, 10))); break;
        case kFloat4Oid:
        case kFloat8Oid: row.emplace_back(std::strtod(val, nullptr)); break;
        default: row.emplace_back(std::string(val, static_cast<size_t>(PQgetlength(res.get(), r, c))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  const char* affected = PQcmdTuples(res.get());
  out.affected_rows = (affected && *affected) ? std::strtoll(affected, nullptr, 10) : 0;
  return out;
}

Status ExecScriptOn(PGconn* conn, std::string_view sql) {
  std::string q(sql);
  PgResultPtr res(PQexec(conn, q.c_str()));
  auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn, res.get(), "script");
  return Ok();
}

class PgSession final : public DbSession {
 public:
  PgSession(PGconn* conn, PgPrepared* prepared) : conn_(conn), prepared_(prepared) {}
  Result<DbResult> Exec(std::string_view sql, const DbParams& params) override {
    return ExecOn(conn_, prepared_, sql, params);
  }
  Status ExecScript(std::string_view sql) override { return ExecScriptOn(conn_, sql); }

 private:
  PGconn* conn_;
  PgPrepared* prepared_;
};

}  // namespace

// Returns a connection to the pool when it goes out of scope.
class PgDb::Lease {
 public:
  Lease(PgDb* db, PGconn* conn) : db_(db), conn_(conn) {}
  ~Lease() { db_->Release(conn_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  PGconn* get() const { return conn_; }
  PgPrepared* prepared() const { return db_->PreparedOf(conn_); }

 private:
  PgDb* db_;
  PGconn* conn_;
};

PgDb::PgDb(PgOptions options) : options_(std::move(options)) {}

PgDb::~PgDb() {
  for (PGconn* c : idle_) PQfinish(c);
}

PgPrepared* PgDb::PreparedOf(PGconn* conn) {
  std::lock_guard lock(mu_);
  auto& slot = prepared_[conn];
  if (!slot) slot = std::make_unique<PgPrepared>();
  return slot.get();
}

void PgDb::ForgetPrepared(PGconn* conn) {
  std::lock_guard lock(mu_);
  prepared_.erase(conn);
}

Status PgDb::Warmup() {
  std::vector<PGconn*> got;
  Status st;
  for (int i = 0; i < options_.pool_min; ++i) {
    auto c = Acquire();
    if (!c.ok()) {
      st = c.take_error();
      break;
    }
    got.push_back(*c);
  }
  for (PGconn* c : got) Release(c);
  return st;
}

Result<PGconn*> PgDb::Acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  while (idle_.empty() && open_ >= options_.pool_max) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= options_.pool_max)
      return Error::Unavailable("PostgreSQL pool exhausted: no free connection within timeout");
  }
  if (!idle_.empty()) {
    PGconn* c = idle_.back();
    idle_.pop_back();
    lock.unlock();
    if (PQstatus(c) != CONNECTION_OK) {
      PQreset(c);
      ForgetPrepared(c);  // a new session: its statements are gone
    }
    if (PQstatus(c) != CONNECTION_OK) {
      Error e = Error::Unavailable(std::string("PostgreSQL unreachable: ") + PQerrorMessage(c));
      PQfinish(c);
      std::lock_guard g(mu_);
      prepared_.erase(c);
      --open_;
      cv_.notify_one();
      return e;
    }
    return c;
  }
  ++open_;
  lock.unlock();
  std::string conninfo = options_.conninfo;
  // connect_timeout as a separate keyword string would not combine with a URL; use the env-free
  // expanded form via PQconnectdbParams with expand_dbname.
  std::string timeout = std::to_string(options_.connect_timeout_s);
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* vals[] = {conninfo.c_str(), timeout.c_str(), "realtime", nullptr};
  PGconn* c = PQconnectdbParams(keys, vals, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string why = c ? PQerrorMessage(c) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (c) PQfinish(c);
    std::lock_guard g(mu_);
    --open_;
    cv_.notify_one();
    return Error::Unavailable("PostgreSQL unreachable (" + Describe() + "): " + why);
  }
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors; keep stderr clean
  return c;
}

void PgDb::Release(PGconn* conn) {
  std::lock_guard lock(mu_);
  if (PQstatus(conn) != CONNECTION_OK || PQtransactionStatus(conn) != PQTRANS_IDLE) {
    PQfinish(conn);  // never hand out a broken connection or one left inside a transaction
    prepared_.erase(conn);
    --open_;
  } else {
    idle_.push_back(conn);
  }
  cv_.notify_one();
}

Result<DbResult> PgDb::Exec(std::string_view sql, const DbParams& params) {
  auto c = Acquire();
  if (!c.ok()) return c.take_error();
  Lease lease(this, *c);
  return ExecOn(lease.get(), lease.prepared(), sql, params);
}

Status PgDb::Transaction(const std::function<Status(DbSession&)>& fn) {
  auto c = Acquire();
  if (!c.ok()) return c.take_error();
  Lease lease(this, *c);
  RT_TRY(ExecScriptOn(lease.get(), "BEGIN"));
  PgSession session(lease.get(), lease.prepared());
  Status st = fn(session);
  if (st.ok()) st = ExecScriptOn(lease.get(), "COMMIT");
  if (!st.ok()) {
    (void)ExecScriptOn(lease.get(), "ROLLBACK");
    return st;
  }
  return Ok();
}

Status PgDb::Ping() {
  auto r = Exec("SELECT 1");
  if (!r.ok()) return r.take_error();
  return Ok();
}

std::string PgDb::Describe() const {
  // Strip any password from a URL form; key=value strings are described generically.
  auto u = boost::urls::parse_uri(options_.conninfo);
  if (!u) return "postgresql (connection string)";
  std::string out = std::string(u->scheme()) + "://";
  if (u->has_userinfo()) out += std::string(u->user()) + "@";
  out += std::string(u->encoded_host_and_port()) + std::string(u->encoded_path());
  return out;
}

}  // namespace rt::store
