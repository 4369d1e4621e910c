// ThreadPool: a fixed set of threads running posted tasks in FIFO order. The platform runs every
// blocking call (database, file system) here so that I/O threads never block.
//
// Bounded: with max_queue > 0, TryPost refuses a task (kFull, counted in rejected()) while
// max_queue tasks are waiting, so a burst of requests the threads cannot keep up with is
// answered at once (the REST dispatcher: 503) instead of growing the queue without limit.
// Post ignores the bound: for tasks that must run (their number is bounded by their callers).
//
// Thread safety: Post may be called from any thread. Lifetime: the destructor stops accepting
// tasks, runs the ones already queued, and joins the threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rt {

class ThreadPool {
 public:
  // max_queue: waiting tasks TryPost accepts (0 = unbounded).
  ThreadPool(size_t threads, std::string name, size_t max_queue = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues fn; returns false (and drops fn) once Shutdown has begun.
  bool Post(std::function<void()> fn);
  enum class PostResult { kQueued, kFull, kStopped };
  // Queues fn unless max_queue tasks are already waiting (kFull) or Shutdown has begun
  // (kStopped); fn is dropped when not queued.
  PostResult TryPost(std::function<void()> fn);
  // Tasks TryPost refused because the queue was full.
  uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }
  size_t max_queue() const { return max_queue_; }
  // Stops accepting tasks, drains the queue and joins the threads. Idempotent.
  void Shutdown();
  // Tasks queued or running right now (for /ready and metrics).
  size_t Pending() const;

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  size_t running_ = 0;                       // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
  const std::string name_;
  const size_t max_queue_;
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace rt
