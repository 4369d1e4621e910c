// LeaseRepository (named leases for cluster-wide tasks such as the alert evaluator) on SQLite and
// PostgreSQL: take, renew, refuse while another holder's lease runs, take over once it expired,
// release, and the holder as seen at a time.
#include "store/lease_repository.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "backends.h"

namespace rt::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kTtl = 15'000;

class LeaseRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::LeaseRepository>(*db_);
  }
  bool Acquire(const char* holder, int64_t at, const char* name = "alert-evaluator") {
    auto r = repo_->TryAcquire(name, holder, at, kTtl);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() && *r;
  }
  std::string Holder(int64_t at, const char* name = "alert-evaluator") {
    auto r = repo_->Holder(name, at);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : "?";
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::LeaseRepository> repo_;
};

TEST_P(LeaseRepositoryConformance, FreeLeaseIsTakenAndRenewedByItsHolder) {
  EXPECT_EQ(Holder(kT0), "");
  EXPECT_TRUE(Acquire("a", kT0));
  EXPECT_EQ(Holder(kT0), "a");
  EXPECT_TRUE(Acquire("a", kT0 + 10'000));  // renewal pushes the expiry
  EXPECT_EQ(Holder(kT0 + 24'000), "a");
  EXPECT_EQ(Holder(kT0 + 25'001), "");  // expired
}

TEST_P(LeaseRepositoryConformance, AnotherHolderWaitsUntilTheLeaseExpired) {
  ASSERT_TRUE(Acquire("a", kT0));
  EXPECT_FALSE(Acquire("b", kT0 + 1));
  EXPECT_FALSE(Acquire("b", kT0 + kTtl));  // expires_at is still now: not yet expired
  EXPECT_EQ(Holder(kT0 + kTtl), "a");
  EXPECT_TRUE(Acquire("b", kT0 + kTtl + 1));
  EXPECT_EQ(Holder(kT0 + kTtl + 1), "b");
  EXPECT_FALSE(Acquire("a", kT0 + kTtl + 2));  // the old holder cannot take it back while b's runs
}

TEST_P(LeaseRepositoryConformance, ReleaseHandsOverAtOnceAndOnlyForTheHolder) {
  ASSERT_TRUE(Acquire("a", kT0));
  ASSERT_TRUE(repo_->Release("alert-evaluator", "b").ok());  // not b's: nothing happens
  EXPECT_EQ(Holder(kT0 + 1), "a");
  ASSERT_TRUE(repo_->Release("alert-evaluator", "a").ok());
  EXPECT_EQ(Holder(kT0 + 1), "");
  EXPECT_TRUE(Acquire("b", kT0 + 2));
  EXPECT_TRUE(repo_->Release("never-taken", "a").ok());
}

TEST_P(LeaseRepositoryConformance, NamesAreIndependent) {
  ASSERT_TRUE(Acquire("a", kT0, "one"));
  EXPECT_TRUE(Acquire("b", kT0, "two"));
  EXPECT_EQ(Holder(kT0, "one"), "a");
  EXPECT_EQ(Holder(kT0, "two"), "b");
}

TEST_P(LeaseRepositoryConformance, ConcurrentContendersGetOneHolder) {
  // Several instances racing for a free lease at the same moment: exactly one wins.
  std::vector<std::thread> threads;
  std::atomic<int> winners{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r = repo_->TryAcquire("race", "h" + std::to_string(i), kT0, kTtl);
      if (r.ok() && *r) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_NE(Holder(kT0, "race"), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseRepositoryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
