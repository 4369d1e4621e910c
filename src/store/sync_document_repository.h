// SyncDocumentRepository: the `sync_documents` table, the durable store of sync documents
// (spec/21-api-sync.md). A row is one document of one scope (application, environment) and
// service namespace; `data` is stored as JSON text. Soft-deleted documents stay as rows with
// deleted = 1 (tombstones) so that revisions keep increasing if the id is created again.
//
// Plain persistence with the primitives the document stores need: conditional writes on the
// revision (compare-and-swap), a monotonic upsert for cache flushes, keyset pagination.
// The rules (merge, mutations, expiry, events) live in sync/document_service.h.
//
// Failure: kUnavailable when the database is down; kValidation when the application no longer
// exists (foreign key); kInternal for a row whose data is not a JSON object (never written by
// this code). Thread safety: as the Db it wraps (safe from any thread; blocking).
// Lifetime: the Db must outlive the repository.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/scope.h"
#include "store/db.h"

namespace rt::store {

// Identifies one document.
struct DocKey {
  Scope scope;
  std::string service;
  std::string id;

  bool operator==(const DocKey&) const = default;
};

struct SyncDocument {
  DocKey key;
  int64_t revision = 0;  // 1 on creation, +1 on every write
  boost::json::object data;
  bool deleted = false;
  std::optional<int64_t> expires_at;  // ms since epoch
  int64_t created_at = 0;             // ms since epoch
  int64_t updated_at = 0;

  bool ExpiredAt(int64_t now_ms) const { return expires_at && *expires_at <= now_ms; }
  // Neither deleted nor expired at now_ms.
  bool LiveAt(int64_t now_ms) const { return !deleted && !ExpiredAt(now_ms); }
};

class SyncDocumentRepository {
 public:
  explicit SyncDocumentRepository(Db& db) : db_(db) {}
  Db& db() const { return db_; }

  // The row (tombstones and expired documents included), or nullopt.
  Result<std::optional<SyncDocument>> Get(const DocKey& key);
  // Inserts a new row; false (nothing written) when the key already exists.
  Result<bool> Insert(const SyncDocument& doc);
  // Overwrites the row if its revision is still expected_revision; false (nothing written)
  // when the revision moved or the row is gone.
  Result<bool> UpdateIf(const SyncDocument& doc, int64_t expected_revision);
  // Insert (expected_revision 0) or UpdateIf inside a caller's transaction, for batching
  // several swaps in one commit (sync/group_commit.h). A lost swap (row exists, or its revision
  // moved) is false and does not abort the transaction; an error does.
  static Result<bool> SwapIn(DbSession& session, const SyncDocument& doc, int64_t expected_revision);
  // Inserts, or overwrites a row with a lower revision; a row at the same or a higher revision
  // is left as it is (so flushes from several instances may race and arrive in any order).
  Status UpsertIfNewer(const SyncDocument& doc);
  // Live documents of a service (not deleted, not expired at now_ms) with id > after (byte
  // order), at most limit, ordered by id.
  Result<std::vector<SyncDocument>> List(const Scope& scope, const std::string& service, const std::string& after,
                                         size_t limit, int64_t now_ms);
  // Deletes the row if its revision is at most max_revision (superseded by an expired revision).
  Status DeleteThrough(const DocKey& key, int64_t max_revision);
  // Deletes every row expired at now_ms, in every scope; returns how many.
  Result<int64_t> PurgeExpired(int64_t now_ms);
  // Whether the application (the foreign key of every row) exists, to tell a document of a
  // deleted application (its rows went with it) from any other integrity error.
  Result<bool> ApplicationExists(const std::string& application_id);

 private:
  Db& db_;
};

}  // namespace rt::store
