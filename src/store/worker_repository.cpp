#include "store/worker_repository.h"

#include <boost/json/array.hpp>

#include "core/json.h"

namespace rt::store {
namespace {

WorkerRow FromRow(const std::vector<DbValue>& row) {
  WorkerRow w;
  w.id = AsString(row[0]);
  w.kind = AsString(row[1]);
  w.host = AsString(row[2]);
  w.pid = AsInt(row[3]);
  w.version = AsString(row[4]);
  w.queues = StringListFromJson(row[5]);
  w.started_at = AsInt(row[6]);
  w.last_beat = AsInt(row[7]);
  w.stopped_at = AsInt(row[8]);
  return w;
}

}  // namespace

Status WorkerRepository::Beat(const WorkerRow& w) {
  auto r = db_.Exec(
      "INSERT INTO workers (id, kind, host, pid, version, queues, started_at, last_beat, stopped_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, host = excluded.host, pid = excluded.pid, "
      "version = excluded.version, queues = excluded.queues, started_at = excluded.started_at, "
      "last_beat = excluded.last_beat, stopped_at = excluded.stopped_at",
      {w.id, w.kind, w.host, w.pid, w.version, StringListToJson(w.queues), w.started_at, w.last_beat,
       w.stopped_at == 0 ? DbValue() : DbValue(w.stopped_at)});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status WorkerRepository::MarkStopped(const std::string& id, int64_t now) {
  auto r = db_.Exec("UPDATE workers SET stopped_at = $2, last_beat = $2 WHERE id = $1", {id, now});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return Error::NotFound("Worker not found: " + id);
  return Ok();
}

Result<std::vector<WorkerRow>> WorkerRepository::List() {
  return MapRows(db_.Exec("SELECT id, kind, host, pid, version, queues, started_at, last_beat, stopped_at "
                          "FROM workers ORDER BY last_beat DESC, id"),
                 FromRow);
}

Result<int64_t> WorkerRepository::Prune(int64_t before_ms) {
  auto r = db_.Exec("DELETE FROM workers WHERE last_beat < $1", {before_ms});
  if (!r.ok()) return r.take_error();
  return r->affected_rows;
}

}  // namespace rt::store
