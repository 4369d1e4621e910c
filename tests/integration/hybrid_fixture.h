// The fixture of the hybrid (Redis + database) sync document suites: a migrated platform
// database per backend with the default application, a real Redis pool, a key prefix per test
// (deleted afterwards), and helpers that create, merge and read documents of one service.
// Skips when the backend or Redis is not configured (see backends.h / broker_test_util.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "broker/redis_pool.h"
#include "broker_test_util.h"
#include "store/sync_document_repository.h"
#include "sync/hybrid_document_store.h"
#include "sync_test_util.h"

namespace rt::testing {

class HybridFixture : public ::testing::TestWithParam<Backend> {
 protected:
  explicit HybridFixture(std::string service, size_t pool_size = 16)
      : service_(std::move(service)), pool_size_(pool_size) {}

  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    RT_REQUIRE_BROKER_BACKEND(BrokerBackend::kRedis);
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    app_repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    ASSERT_TRUE(registry::ApplicationService(*app_repo_).EnsureDefault().ok());
    repo_ = std::make_unique<store::SyncDocumentRepository>(*db_);
    auto pool = broker::RedisPool::Create({RedisUrl(), pool_size_});
    ASSERT_TRUE(pool.ok()) << pool.error().message;
    redis_ = std::move(*pool);
    prefix_ = NewId("t") + ":";
  }
  void TearDown() override {
    if (!redis_) return;
    auto keys = redis_->Command({"KEYS", prefix_ + "*"});
    if (keys.ok())
      for (const auto& k : keys->elements) (void)redis_->Command({"DEL", k.str});
  }

  std::unique_ptr<sync::HybridDocumentStore> Store(sync::HybridOptions options = {}) {
    options.key_prefix = prefix_;
    auto s = std::make_unique<sync::HybridDocumentStore>(*redis_, *repo_, options);
    s->Start();
    return s;
  }
  sync::DocKey Key(const std::string& id) { return {{"default", "development"}, service_, id}; }
  Result<sync::SyncDocument> Create(SyncInstance& in, const std::string& id, std::string_view data) {
    sync::WriteRequest req;
    req.id = id;
    req.data = JsonObj(data);
    return in.service.Create({"default", "development"}, service_, req);
  }
  Result<sync::SyncDocument> Merge(SyncInstance& in, const std::string& id, std::string_view data) {
    sync::WriteRequest req;
    req.data = JsonObj(data);
    return in.service.Merge(Key(id), req);
  }
  int64_t DbRevision(const std::string& id) {
    auto row = repo_->Get(Key(id));
    return row.ok() && *row ? (*row)->revision : 0;
  }

  const std::string service_;
  const size_t pool_size_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> app_repo_;
  std::unique_ptr<store::SyncDocumentRepository> repo_;
  std::unique_ptr<broker::RedisPool> redis_;
  std::string prefix_;
};

}  // namespace rt::testing
