#include "app/db_init.h"

#include "core/log.h"

namespace rt::app {

void DbInit::Start() {
  Status st = platform_.Initialize();
  {
    std::lock_guard lock(mu_);
    ready_ = st.ok();
    if (!st.ok()) {
      last_error_ = st.error().message;
      log::Warn("platform database not ready; retrying in the background", {{"error", last_error_}});
    }
  }
  retry_ = std::thread([this] { Loop(); });
}

void DbInit::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::seconds(2));
    if (stopping_) return;
    bool was_ready = ready_;
    lock.unlock();
    Status st = was_ready ? platform_.keys.RefreshIfChanged() : platform_.Initialize();
    if (was_ready && st.ok()) st = platform_.topic_catalog.RefreshIfChanged();
    if (was_ready && st.ok()) st = platform_.schema_gate.RefreshIfChanged();
    if (was_ready)
      for (auto& task : housekeeping_) task();
    lock.lock();
    if (!was_ready && st.ok()) {
      ready_ = true;
      log::Info("platform database ready");
    } else if (!st.ok()) {
      if (was_ready) log::Warn("signing key / topic catalog / schema gate refresh failed", {{"error", st.error().message}});
      last_error_ = st.error().message;
    }
  }
}

void DbInit::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (retry_.joinable()) retry_.join();
}

Status DbInit::Check() {
  {
    std::lock_guard lock(mu_);
    if (!ready_) return Error::Unavailable("database not ready: " + last_error_);
  }
  return platform_.db->Ping();
}

}  // namespace rt::app
