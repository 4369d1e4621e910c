// WorkerRepository: the `workers` table of migration 0007_webhooks, the heartbeats of every
// `realtime serve` and `realtime worker` process behind GET /api/workers (not in the spec; the
// Monitoring page shows it). Each process beats its own row every few seconds; a row whose beat
// is old belongs to a process that died without MarkStopped, and Prune removes it eventually.
//
// Failure: MarkStopped is kNotFound for an unknown id; kUnavailable when the database is down.
// Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct WorkerRow {
  std::string id;
  std::string kind;  // "serve" | "worker"
  std::string host;
  int64_t pid = 0;
  std::string version;
  std::vector<std::string> queues;        // the queues it consumes (JSON array in the table)
  int64_t started_at = 0, last_beat = 0;  // ms since epoch
  int64_t stopped_at = 0;                 // 0: running (NULL)
};

class WorkerRepository {
 public:
  explicit WorkerRepository(Db& db) : db_(db) {}

  // Inserts or replaces the row with this id, every field as given.
  Status Beat(const WorkerRow& row);
  // stopped_at = last_beat = now.
  Status MarkStopped(const std::string& id, int64_t now);
  // Every row, newest beat first.
  Result<std::vector<WorkerRow>> List();
  // Deletes rows whose last beat is older than before_ms; returns how many.
  Result<int64_t> Prune(int64_t before_ms);

 private:
  Db& db_;
};

}  // namespace rt::store
