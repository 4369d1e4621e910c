// PgReplication: one logical replication connection to a target PostgreSQL database
// (libpq, `replication=database`), streaming a pgoutput slot. It only moves bytes: the CopyData
// payloads it returns are decoded by cdc/pgoutput.h (XLogData 'w' frames carry the pgoutput
// messages, 'k' frames are keepalives); it answers keepalives that ask for a reply and sends the
// standby status updates that advance the slot's confirmed flush LSN.
//
// Also the target's preparation (on an ordinary connection): wal_level check, the publication and
// its tables, REPLICA IDENTITY FULL, the slot. Errors keep PostgreSQL's text (e.g. "must be owner
// of table x", "relation \"x\" does not exist", "replication slot \"s\" is active for PID n") and
// a short classification (Failure) so the reader's status can show the spec's troubleshooting
// row instead of crash-looping.
//
// Ownership / lifetime: owns its PGconn; destroying it closes the stream (the slot stays and keeps
// its confirmed position). Thread safety: one thread at a time (the reader's thread). Methods block
// on the network, bounded by the timeouts given.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct pg_conn;

namespace rt::cdc {

// Why a setup or streaming call failed, for the reader status (spec troubleshooting table).
enum class Failure {
  kNone,
  kUnreachable,       // connection refused, authentication, network
  kWalLevel,          // wal_level is not logical
  kNotOwner,          // must be owner of table (publication management)
  kNoRelation,        // relation does not exist
  kSlotExists,        // replication slot already exists (creation raced)
  kSlotInUse,         // replication slot is active for another PID
  kPermission,        // other permission problems (REPLICATION attribute missing, ...)
  kOther,
};
const char* FailureName(Failure f);
// Classifies a PostgreSQL error message.
Failure ClassifyPgError(std::string_view message);

struct SetupError {
  Failure failure = Failure::kOther;
  std::string message;
};

// Target preparation on an ordinary connection (conninfo: a postgresql:// URL).
class PgTarget {
 public:
  static Result<std::unique_ptr<PgTarget>> Connect(const std::string& conninfo);
  ~PgTarget();

  // "logical" or an error naming wal_level.
  Status CheckWalLevel();
  // Creates the publication when missing and makes its table set exactly `tables`
  // (schema-qualified names). Adds tables one by one so that a failure names the table.
  Status SyncPublication(const std::string& publication, const std::vector<std::string>& tables);
  // ALTER TABLE … REPLICA IDENTITY FULL (old rows for `changed` / triggerColumns).
  Status SetReplicaIdentityFull(const std::string& table);
  // The table's replica identity: 'd' default, 'f' full, 'i' index, 'n' nothing.
  Result<char> ReplicaIdentity(const std::string& table);
  // Creates the pgoutput slot unless it exists; returns its confirmed flush LSN (0 when new).
  Result<uint64_t> EnsureSlot(const std::string& slot);
  Status DropSlot(const std::string& slot);
  // Current WAL insert position (pg_current_wal_insert_lsn: also with synchronous_commit off) for lag, and the slot's confirmed flush LSN.
  Result<uint64_t> CurrentLsn();
  Result<uint64_t> ConfirmedFlushLsn(const std::string& slot);
  // Runs SQL (tests, outbox install).
  Status Exec(const std::string& sql);

  // The failure of the last failed call.
  Failure last_failure() const { return last_failure_; }

 private:
  explicit PgTarget(pg_conn* conn) : conn_(conn) {}
  Error Fail(const std::string& what);
  pg_conn* conn_;
  Failure last_failure_ = Failure::kNone;
};

struct StreamOptions {
  std::string conninfo;  // postgresql:// URL of the target (replication=database is added)
  std::string slot;
  std::string publication;
  uint64_t start_lsn = 0;  // 0: from the slot's confirmed position
};

class PgReplicationStream {
 public:
  static Result<std::unique_ptr<PgReplicationStream>> Start(const StreamOptions& options);
  ~PgReplicationStream();

  // The next CopyData payload ('w' XLogData or 'k' keepalive), or nullopt when nothing arrived
  // within timeout. An error when the stream ended or broke (reconnect).
  Result<std::optional<std::string>> Next(std::chrono::milliseconds timeout);
  // Standby status update: everything up to `flushed` is processed and may be discarded.
  Status SendStatus(uint64_t received, uint64_t flushed, bool reply_requested = false);

  Failure last_failure() const { return last_failure_; }

 private:
  explicit PgReplicationStream(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
  Failure last_failure_ = Failure::kNone;
};

}  // namespace rt::cdc
