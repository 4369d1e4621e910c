// RedisDocumentCache: the hot copy of sync documents in Redis and the atomic operations on it,
// each one Lua script (EVALSHA), so that the revision check and the write cannot be separated
// and two instances can never both win a compare-and-swap.
//
// Layout (spec/37-services-sync.md's keys, with the tenant added so that two applications never
// share a key):
//   syncdoc:data:{application}:{environment}:{service}:{id}   HASH rev -> "<revision>",
//                                                              doc -> stored JSON (document_json.h),
//                                                              prev_rev, prev_doc, prev_dirty -> the
//                                                              replaced entry (write-through, until
//                                                              flushed)
//   syncdoc:dirty                                             HASH data key -> revision not yet
//                                                              flushed to the database
//   syncdoc:presence:{application}:{environment}:{service}:{id}   reserved for document presence
// A dirty document has no TTL (it cannot expire before it is flushed); once its revision is
// flushed, Ack gives it the TTL (SYNC_DOC_TTL_SECONDS), and every read of a clean entry renews it.
// Redis Cluster is not supported (the scripts touch two keys in different slots). Every
// instance sharing a Redis must share the platform database (a sweep flushes any instance's
// writes). `prefix` (default empty) is prepended to both keys; tests use it for isolation.
//
// Failure: kUnavailable when Redis is unreachable; kInternal for a corrupt entry.
// Thread safety: as the RedisPool (any thread; blocking). Lifetime: the pool must outlive it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "broker/redis_pool.h"
#include "sync/document_json.h"

namespace rt::sync {

std::string PresenceKey(const DocKey& key);

class RedisDocumentCache {
 public:
  RedisDocumentCache(broker::RedisPool& redis, int ttl_seconds, std::string prefix = "")
      : redis_(redis), ttl_(std::to_string(ttl_seconds)), prefix_(std::move(prefix)), dirty_key_(prefix_ + "syncdoc:dirty") {}

  // syncdoc:data:{application}:{environment}:{service}:{id} (after the prefix).
  std::string DataKey(const DocKey& key) const;
  const std::string& dirty_key() const { return dirty_key_; }

  // The cached document (renewing its TTL when clean), or nullopt on a miss.
  Result<std::optional<SyncDocument>> Read(const DocKey& key);
  // Caches doc (loaded from the database) unless an entry exists; returns that entry if so.
  Result<std::optional<SyncDocument>> Fill(const SyncDocument& doc);
  // Stores doc and marks it dirty if the cached revision is expected_revision (0: no entry).
  // False when the revision moved; nothing is written then. keep_previous (write-through) keeps
  // the replaced entry in the hash (fields prev_rev, prev_doc) until Ack or Undo.
  Result<bool> CompareAndSwap(const SyncDocument& doc, int64_t expected_revision, bool keep_previous = false);
  // Takes back the swap that wrote `revision` (write-through, when the database refused it): the
  // kept previous entry comes back as it was (dirty, or clean with the TTL), or the entry is
  // removed if there was none. False when the entry has moved on (a later write built on it),
  // so it stands.
  Result<bool> Undo(const DocKey& key, int64_t revision);
  // The stored JSON of a dirty entry, or nullopt when it is clean (or gone).
  Result<std::optional<std::string>> DirtySnapshot(const std::string& data_key);
  // Marks data_key clean if its dirty revision is still `revision`, and starts its TTL.
  Status Ack(const std::string& data_key, int64_t revision);
  // Removes the entry if it is still at `revision`.
  Status Remove(const DocKey& key, int64_t revision);
  // One page of the dirty set: data keys, and the cursor to continue ("0" when done).
  Result<std::pair<std::vector<std::string>, std::string>> ScanDirty(const std::string& cursor, size_t count);
  // Several entries in one round trip (nullopt where there is none).
  Result<std::vector<std::optional<SyncDocument>>> ReadMany(const std::vector<DocKey>& keys);

 private:
  broker::RedisPool& redis_;
  const std::string ttl_;
  const std::string prefix_;
  const std::string dirty_key_;
};

}  // namespace rt::sync
