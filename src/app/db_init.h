// DbInit: brings the platform database up to date (Platform::Initialize); if the database is
// unreachable it logs a warning and retries every 2 s, so the server starts anyway and /ready
// reports the database as down until then. Once ready, it polls the signing keys every 2 s so
// that keys created, rotated or deactivated by other instances reach this one's key ring.
//
// Thread safety: Check may be called from any thread; Start/Stop from the owner.
#pragma once

#include <functional>
#include <vector>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "app/platform.h"

namespace rt::app {

class DbInit {
 public:
  explicit DbInit(Platform& platform) : platform_(platform) {}
  ~DbInit() { Stop(); }

  // Tries once synchronously (so a healthy start is ready at once), then retries in background.
  void Start();
  void Stop();
  // Ok when migrated and the database answers a ping.
  Status Check();
  // Runs `task` on the poll thread every 2 s once the database is ready (the task rate-limits
  // itself). Add before Start.
  void AddHousekeeping(std::function<void()> task) { housekeeping_.push_back(std::move(task)); }

 private:
  void Loop();

  Platform& platform_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;     // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::string last_error_;  // guarded by mu_
  std::vector<std::function<void()>> housekeeping_;
  std::thread retry_;
};

}  // namespace rt::app
