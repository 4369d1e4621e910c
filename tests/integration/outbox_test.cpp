// cdc::OutboxWorker against the real PostgreSQL: rows written to event_outbox are routed in id
// order with their topic, type, payload, table and operation; two workers on one table route each
// row exactly once (SKIP LOCKED); an absent table is reported as "absent"; processed rows are
// marked. Skips without REALTIME_TEST_PG_URL (fails with REALTIME_REQUIRE_PG=1).
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>

#include "backends.h"
#include "cdc/outbox.h"
#include "cdc/pg_replication.h"
#include "core/ids.h"
#include "core/json.h"

namespace rt::testing {
namespace {

using namespace std::chrono_literals;

struct Collector {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<events::RawEventInput> events;
  std::map<int64_t, int> by_row;  // payload.n -> times routed

  cdc::OutboxPublish Sink() {
    return [this](const Scope&, events::RawEventInput in) {
      std::lock_guard lock(mu);
      if (const auto* n = in.payload.if_contains("n"); n && n->is_int64()) ++by_row[n->get_int64()];
      events.push_back(std::move(in));
      cv.notify_all();
      return Ok();
    };
  }
  size_t Wait(size_t n) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 20s, [&] { return events.size() >= n; });
    return events.size();
  }
};

class Outbox : public ::testing::Test {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(Backend::kPostgres);
    auto t = cdc::PgTarget::Connect(PgUrl());
    ASSERT_TRUE(t.ok()) << t.error().message;
    target_ = std::move(*t);
    schema_ = "obx_" + NewId("o").substr(2);
    ASSERT_TRUE(target_->Exec("CREATE SCHEMA " + schema_).ok());
    url_ = std::string(PgUrl());
    url_ += (url_.find('?') == std::string::npos ? "?" : "&");
    url_ += "options=-csearch_path%3D" + schema_;
  }
  void TearDown() override {
    if (target_) (void)target_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  cdc::OutboxOptions Options() {
    cdc::OutboxOptions o;
    o.target_key = "tgt_test";
    o.conninfo = url_;
    o.scopes = {Scope{"default", "development"}};
    o.poll = 50ms;
    o.batch = 7;
    return o;
  }
  std::unique_ptr<cdc::PgTarget> target_;
  std::string schema_, url_;
};

TEST_F(Outbox, ReportsAnAbsentTableThenRoutesRowsOnceAcrossTwoWorkers) {
  Collector got;
  cdc::OutboxWorker a(Options(), got.Sink());
  a.Start();
  for (int i = 0; i < 500 && a.status().state != "absent"; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(a.status().state, "absent");
  a.Stop();

  ASSERT_TRUE(target_->Exec("SET search_path = " + schema_ + "; " + cdc::kOutboxDdl).ok());
  ASSERT_TRUE(target_->Exec("SET search_path = " + schema_ + "; " + cdc::kOutboxDdl).ok());  // idempotent
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ +
                            ".event_outbox (topic, event_type, payload, table_name, operation) VALUES "
                            "('orders.created', 'order.created', '{\"n\": 0, \"total\": 12.5}', 'orders', 'insert')")
                  .ok());
  cdc::OutboxWorker w1(Options(), got.Sink());
  cdc::OutboxWorker w2(Options(), got.Sink());
  w1.Start();
  w2.Start();
  ASSERT_EQ(got.Wait(1), 1u);
  {
    std::lock_guard lock(got.mu);
    const auto& e = got.events[0];
    EXPECT_EQ(e.topic, "orders.created");
    EXPECT_EQ(e.type, "order.created");
    EXPECT_EQ(e.source, events::Source::kDatabase);
    EXPECT_EQ(json::Serialize(e.payload), R"({"n":0,"total":12.5})");
    EXPECT_EQ(*e.table, "orders");
    EXPECT_EQ(*e.operation, "insert");
    ASSERT_TRUE(e.id.has_value());
    EXPECT_EQ(e.id->rfind("evt_", 0), 0u);
  }
  // 300 more rows, in several transactions, while both workers poll.
  for (int batch = 0; batch < 3; ++batch)
    ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".event_outbox (topic, event_type, payload) SELECT 'orders.created', "
                              "'order.created', jsonb_build_object('n', g) FROM generate_series(" +
                              std::to_string(batch * 100 + 1) + ", " + std::to_string(batch * 100 + 100) + ") g")
                    .ok());
  ASSERT_EQ(got.Wait(301), 301u);
  w1.Stop();
  w2.Stop();
  std::lock_guard lock(got.mu);
  EXPECT_EQ(got.events.size(), 301u);  // nothing routed twice after the last one arrived
  ASSERT_EQ(got.by_row.size(), 301u);
  for (const auto& [n, times] : got.by_row) EXPECT_EQ(times, 1) << "row " << n;
  EXPECT_EQ(w1.status().routed + w2.status().routed, 301u);  // the workers' counters agree with the sink
}

}  // namespace
}  // namespace rt::testing
