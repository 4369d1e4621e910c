#include "cdc/recorder.h"

#include <algorithm>

namespace rt::cdc {

TxRecorder::TxRecorder(ReaderSink& sink, std::string target_key)
    : sink_(sink), target_key_(std::move(target_key)), thread_([this] { Run(); }) {}

TxRecorder::~TxRecorder() { Stop(); }

void TxRecorder::Enqueue(std::vector<CdcOutcome> outcomes, uint64_t commit_lsn, uint64_t end, bool complete,
                         bool record) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return queue_.size() < kMaxQueued || error_ || stop_; });
  if (error_ || stop_) return;  // nothing more is recorded (and so nothing more confirmed)
  queue_.push_back({std::move(outcomes), commit_lsn, end, complete, record});
  cv_.notify_all();
}

Status TxRecorder::Drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return (queue_.empty() && !busy_) || error_ || stop_; });
  if (error_) return *error_;
  return Ok();
}

void TxRecorder::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t TxRecorder::durable() const {
  std::lock_guard lock(mu_);
  return durable_;
}

std::optional<Error> TxRecorder::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

bool TxRecorder::idle() const {
  std::lock_guard lock(mu_);
  return queue_.empty() && !busy_;
}

void TxRecorder::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return !queue_.empty() || stop_; });
    if (stop_ || error_) return;
    Batch b = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status st = b.record ? sink_.Record(target_key_, b.commit_lsn, std::move(b.outcomes), b.complete) : Ok();
    lock.lock();
    busy_ = false;
    if (!st.ok()) {
      error_ = st.error();
      queue_.clear();
    } else if (b.complete) {
      durable_ = std::max(durable_, b.end);
    }
    cv_.notify_all();
  }
}

}  // namespace rt::cdc
