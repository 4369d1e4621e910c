// DbInit: brings the platform database up to date in the background. Runs the migrations and
// creates the default application; if the database is unreachable it logs a warning and retries
// every 2 s, so the server starts anyway and /ready reports the database as down until then.
//
// Thread safety: Check may be called from any thread; Start/Stop from the owner.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "registry/application_service.h"
#include "store/db.h"

namespace rt::app {

class DbInit {
 public:
  DbInit(store::Db& db, registry::ApplicationService& apps) : db_(db), apps_(apps) {}
  ~DbInit() { Stop(); }

  // Tries once synchronously (so a healthy start is ready at once), then retries in background.
  void Start();
  void Stop();
  // Ok when migrated and the database answers a ping.
  Status Check();

 private:
  Status TryOnce();

  store::Db& db_;
  registry::ApplicationService& apps_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;     // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::string last_error_;  // guarded by mu_
  std::thread retry_;
};

}  // namespace rt::app
