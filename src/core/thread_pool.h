// ThreadPool: a fixed set of threads running posted tasks in FIFO order. The platform runs every
// blocking call (database, file system) here so that I/O threads never block.
//
// Thread safety: Post may be called from any thread. Lifetime: the destructor stops accepting
// tasks, runs the ones already queued, and joins the threads.
#pragma once

#include <condition_variable>
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
  ThreadPool(size_t threads, std::string name);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues fn; returns false (and drops fn) once Shutdown has begun.
  bool Post(std::function<void()> fn);
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
};

}  // namespace rt
