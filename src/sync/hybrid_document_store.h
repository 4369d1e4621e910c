// HybridDocumentStore: the spec's hybrid document storage (spec/01-architecture.md): Redis is
// the hot copy and the point of concurrency control, the platform database the durable copy.
//
//   Load   Redis first; on a miss the database, then the row is cached with the TTL. A fill is
//          skipped when the database answered later than TTL/2 after the miss: a newer revision
//          could have been written, flushed and expired meanwhile, and must not be shadowed.
//   Write  one Lua compare-and-swap on the Redis entry (revision check + write + dirty mark),
//          so two instances can never both win. Then:
//            write-back (default): the key is queued for the background flusher, which upserts
//              it into the database (a monotonic upsert: never overwrites a newer revision) and
//              marks it clean; the caller does not wait. A flush the database refuses (down, an
//              integrity error) leaves the document dirty and logs an error naming it; the
//              flusher and every sweep retry it. Only a document whose application was deleted
//              (its rows went with it) is dropped.
//            write-through: the same flush runs before returning; if it fails the swap is taken
//              back (RedisDocumentCache::Undo) and the write fails with nothing written, so the
//              caller publishes no event for it (docs/sync.md, "Order of a write").
//   Sweep  Maintain() (every 5 s, by the owner) flushes every dirty entry, whichever instance
//          wrote it (so a crashed instance's writes still reach the database), and deletes
//          expired rows.
//   Flush  on graceful shutdown: drains the queue, then sweeps, within the budget.
// What a crash can lose is described in docs/sync.md.
//
// Lifetime: Start() once; call Flush() before destroying (the destructor stops the flusher
// without flushing, which is what a crash does). The pool and repository must outlive it.
// Thread safety: every method may be called from any thread; they block on Redis/the database.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>

#include "sync/document_store.h"
#include "sync/redis_document_cache.h"

namespace rt::sync {

struct HybridOptions {
  int ttl_seconds = 600;       // SYNC_DOC_TTL_SECONDS
  bool write_through = false;  // SYNC_WRITE_MODE=write-through
  bool async_flush = true;     // false: only Maintain/Flush reach the database (tests: a crash before flushing)
  std::chrono::milliseconds flush_delay{0};  // write-back: a key waits this long before its async flush,
                                             // so a burst of writes to one document is flushed once
  size_t max_queue = 100000;   // queued keys beyond this are left to the sweep
  std::string key_prefix;      // prepended to the Redis keys (tests)
};

class HybridDocumentStore final : public DocumentStore {
 public:
  HybridDocumentStore(broker::RedisPool& redis, store::SyncDocumentRepository& repo, HybridOptions options);
  ~HybridDocumentStore() override;

  // Starts the background flusher (write-back mode).
  void Start();

  Result<std::optional<SyncDocument>> Load(const DocKey& key) override;
  Result<CasResult> CompareAndSwap(const SyncDocument& doc, int64_t expected_revision) override;
  Result<DocumentPage> List(const Scope& scope, const std::string& service, const std::string& after, size_t limit,
                            int64_t now_ms) override;
  // The database first, then the cache: an older row left in the database could otherwise be
  // loaded back into the cache between the two.
  Status Purge(const DocKey& key, int64_t revision) override;
  Status Maintain(int64_t now_ms) override;
  Status Flush(std::chrono::milliseconds budget) override;
  const char* Name() const override { return "redis+database"; }

  // Flushes one dirty entry (no-op when clean). Exposed for tests.
  Status FlushKey(const std::string& data_key);
  // Flushes every dirty entry of every instance, until done or the deadline.
  Status Sweep(std::chrono::steady_clock::time_point deadline);

  uint64_t flushed() const { return flushed_.load(); }
  const RedisDocumentCache& cache() const { return cache_; }

 private:
  Result<CasResult> TakeBack(const SyncDocument& doc, Error db_error);
  // True when a flush failed on the foreign key because the application no longer exists.
  bool ApplicationDeleted(const DocKey& key, const Error& error);
  void Enqueue(std::string data_key);
  void FlusherLoop();
  void StopFlusher();

  RedisDocumentCache cache_;
  store::SyncDocumentRepository& repo_;
  const HybridOptions options_;
  std::atomic<uint64_t> flushed_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  // Keys waiting for the async flush, with the time they may be flushed; guarded by mu_.
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> queue_;
  std::unordered_set<std::string> queued_;  // guarded by mu_: keys in queue_
  bool stopping_ = false;                    // guarded by mu_
  std::thread flusher_;
};

}  // namespace rt::sync
