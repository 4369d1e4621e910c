#include "core/thread_pool.h"

#include <pthread.h>

namespace rt {

ThreadPool::ThreadPool(size_t threads, std::string name, size_t max_queue)
    : name_(std::move(name)), max_queue_(max_queue) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { Run(); });
    pthread_setname_np(threads_.back().native_handle(), name_.substr(0, 15).c_str());
  }
}

ThreadPool::~ThreadPool() { Shutdown(); }

bool ThreadPool::Post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
  return true;
}

ThreadPool::PostResult ThreadPool::TryPost(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return PostResult::kStopped;
    if (max_queue_ > 0 && queue_.size() >= max_queue_) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return PostResult::kFull;
    }
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
  return PostResult::kQueued;
}

void ThreadPool::Shutdown() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
  threads_.clear();
}

size_t ThreadPool::Pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + running_;
}

void ThreadPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    task();
    std::lock_guard lock(mu_);
    --running_;
  }
}

}  // namespace rt
