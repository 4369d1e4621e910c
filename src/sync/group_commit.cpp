#include "sync/group_commit.h"

#include <algorithm>
#include <exception>

#include "core/log.h"

namespace rt::sync {

Result<bool> GroupCommitter::Swap(const store::SyncDocument& doc, int64_t expected_revision,
                                  const std::function<void()>& on_swapped) {
  Pending mine{&doc, expected_revision, on_swapped ? &on_swapped : nullptr};
  std::unique_lock lock(mu_);
  queue_.push_back(&mine);
  if (committing_) {
    mine.cv.wait(lock, [&] { return mine.done || mine.leader; });
    if (mine.done) return std::move(mine.result);  // carried by another leader's batch
  }
  committing_ = true;
  while (!mine.done) {
    // Leader: take what is queued, this swap first (it is at the head: a leader is either the
    // first to arrive at an idle committer or the head the previous leader handed over to).
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    Commit(batch);
    lock.lock();
    for (Pending* p : batch) {
      p->done = true;
      if (p != &mine) p->cv.notify_one();
    }
  }
  // Hand the next batch to the first waiter, or leave the committer idle.
  if (!queue_.empty()) {
    queue_.front()->leader = true;
    queue_.front()->cv.notify_one();
  } else {
    committing_ = false;
  }
  return std::move(mine.result);
}

void GroupCommitter::Commit(std::deque<Pending*>& batch) {
  Status st = db_.Transaction([&](store::DbSession& session) -> Status {
    for (Pending* p : batch) {
      auto swapped = store::SyncDocumentRepository::SwapIn(session, *p->doc, p->expected);
      if (!swapped.ok()) return swapped.take_error();
      p->result = *swapped;
    }
    return Ok();
  });
  if (st.ok()) {
    batches_.fetch_add(1, std::memory_order_relaxed);
  } else if (batch.size() == 1) {
    batch.front()->result = st.error();
  } else {
    // Isolate the failing swap: each on its own, so the others still land.
    for (Pending* p : batch) {
      Status one = db_.Transaction([&](store::DbSession& session) -> Status {
        auto swapped = store::SyncDocumentRepository::SwapIn(session, *p->doc, p->expected);
        if (!swapped.ok()) return swapped.take_error();
        p->result = *swapped;
        return Ok();
      });
      if (!one.ok()) p->result = one.error();
      else batches_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  swaps_.fetch_add(batch.size(), std::memory_order_relaxed);
  uint64_t n = batch.size(), seen = largest_.load(std::memory_order_relaxed);
  while (n > seen && !largest_.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
  }
  // Hooks in commit order, before the next batch can commit (see the header, "Ordering").
  // A hook that throws must not leave the committer without a leader: it is logged and the
  // write stands (it is committed).
  for (Pending* p : batch) {
    if (!p->hook || !p->result.ok() || !*p->result) continue;
    try {
      (*p->hook)();
    } catch (const std::exception& e) {
      log::Error("sync: the hook of a committed write failed", {{"id", p->doc->key.id}, {"error", e.what()}});
    }
  }
}

}  // namespace rt::sync
