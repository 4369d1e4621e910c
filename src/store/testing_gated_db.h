// GatedDb (tests only): a Db that forwards to a real one, except that every Transaction waits
// until Release() — so a test can hold a batch "in commit" and queue more work behind it,
// deterministically. WaitForTransactions(n) returns once n transactions have reached the gate.
// Thread safety: all methods may be called from any thread. Lifetime: `inner` outlives it.
#pragma once

#include <condition_variable>
#include <mutex>

#include "store/db.h"

namespace rt::store::testing {

// Forwards to the real database; each Transaction first waits until Release() was called.
class GatedDb final : public Db {
 public:
  explicit GatedDb(Db& inner) : inner_(inner) {}
  Dialect dialect() const override { return inner_.dialect(); }
  Result<DbResult> Exec(std::string_view sql, const DbParams& p) override { return inner_.Exec(sql, p); }
  Status Transaction(const std::function<Status(DbSession&)>& fn) override {
    {
      std::unique_lock lock(mu_);
      ++transactions_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    return inner_.Transaction(fn);
  }
  Status Ping() override { return inner_.Ping(); }
  std::string Describe() const override { return "gated"; }

  void WaitForTransactions(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return transactions_ >= n; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  Db& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  int transactions_ = 0;
  bool released_ = false;
};

}  // namespace rt::store::testing
