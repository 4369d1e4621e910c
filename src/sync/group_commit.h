// GroupCommitter: durable document swaps from many threads committed together — one database
// transaction (and so one fsync with SQLite synchronous=FULL, one WAL flush on PostgreSQL) per
// batch instead of one per write (issue 20, item 1).
//
// How a batch forms (leader/follower, no timer): a caller queues its swap; if no batch is being
// committed it becomes the leader, takes everything queued (at most max_batch) and commits it;
// otherwise it waits. Swaps that arrive while a batch commits form the next one, whose leader
// is the first of them, woken by the previous leader (each waiter is woken once, by name). So a lone write
// pays exactly one commit (no added wait), and under load the batch grows to the number of
// writers waiting — the commit's own duration is the batching window.
//
// Per swap the result is the same as SyncDocumentRepository Insert/UpdateIf on its own: true
// when written, false when the stored revision was not `expected_revision` (nothing written).
// Two swaps of one document in one batch from the same revision: the first in queue order
// wins, the second is false. A swap is reported only after its batch has committed.
//
// Ordering: after a batch commits, the leader runs the on_swapped hook of every swap that
// stood, in commit order, before the next batch may commit. A later swap of a document can
// only be based on a revision that has committed, i.e. it lands in a later batch, so hooks of
// one document run in revision order — the document service publishes its events from the
// hook and needs no per-document lock across the I/O. Hooks must be quick and must not call
// Swap (they run on the leader's thread with the next batch waiting); one that throws is logged.
//
// Failure: when a batch's transaction fails, each of its swaps is retried in a transaction of
// its own, so one bad row (e.g. its application was deleted: a foreign-key error) fails only
// its own write; a database that is down fails them all with kUnavailable. Nothing is written
// for a swap that returns an error.
//
// Thread safety: Swap may be called from any number of threads; it blocks until the caller's
// batch is durable. Lifetime: the Db must outlive the committer; destroy it only once no
// Swap is in flight.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "store/db.h"
#include "store/sync_document_repository.h"

namespace rt::sync {

class GroupCommitter {
 public:
  explicit GroupCommitter(store::Db& db, size_t max_batch = 256) : db_(db), max_batch_(max_batch) {}
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Stores doc if the stored revision is expected_revision (0: nothing stored); see above.
  Result<bool> Swap(const store::SyncDocument& doc, int64_t expected_revision,
                    const std::function<void()>& on_swapped = {});

  // Totals since construction (tests, metrics): transactions committed and swaps they carried.
  uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }
  uint64_t swaps() const { return swaps_.load(std::memory_order_relaxed); }
  uint64_t largest_batch() const { return largest_.load(std::memory_order_relaxed); }
  // Swaps waiting for the next batch right now.
  size_t queued() {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

 private:
  struct Pending {
    const store::SyncDocument* doc;
    int64_t expected;
    const std::function<void()>* hook;
    Result<bool> result = false;
    bool done = false;    // guarded by mu_: its batch committed, result set
    bool leader = false;  // guarded by mu_: handed the next batch
    std::condition_variable cv;  // each waiter sleeps on its own: no herd woken per batch
  };

  void Commit(std::deque<Pending*>& batch);

  store::Db& db_;
  const size_t max_batch_;
  std::mutex mu_;
  std::deque<Pending*> queue_;  // guarded by mu_
  bool committing_ = false;     // guarded by mu_: a leader holds the batch
  std::atomic<uint64_t> batches_{0}, swaps_{0}, largest_{0};
};

}  // namespace rt::sync
