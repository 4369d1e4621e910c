#include "app/db_init.h"

#include "core/log.h"
#include "store/migrator.h"

namespace rt::app {

Status DbInit::TryOnce() {
  store::Migrator migrator(db_);
  auto applied = migrator.Latest();
  if (!applied.ok()) return applied.take_error();
  for (const auto& name : *applied) log::Info("migration applied", {{"name", name}});
  return apps_.EnsureDefault();
}

void DbInit::Start() {
  Status st = TryOnce();
  std::lock_guard lock(mu_);
  if (st.ok()) {
    ready_ = true;
    return;
  }
  last_error_ = st.error().message;
  log::Warn("platform database not ready; retrying in the background", {{"error", last_error_}});
  retry_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_ && !ready_) {
      cv_.wait_for(lock, std::chrono::seconds(2));
      if (stopping_) return;
      lock.unlock();
      Status st = TryOnce();
      lock.lock();
      if (st.ok()) {
        ready_ = true;
        log::Info("platform database ready");
      } else {
        last_error_ = st.error().message;
      }
    }
  });
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
  return db_.Ping();
}

}  // namespace rt::app
