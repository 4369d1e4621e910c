// cdc::CdcReader against the real PostgreSQL (wal_level=logical): mapped inserts, updates and
// deletes become events in commit order with the mapping's payload; triggerColumns filter
// updates; the reader sets REPLICA IDENTITY FULL where a mapping needs old values; a 1,000-row
// transaction arrives complete in one commit; a restarted reader resumes after the confirmed
// position (nothing replayed, nothing lost); a second reader on the same slot stands by.
// Skips without REALTIME_TEST_PG_URL (fails with REALTIME_REQUIRE_PG=1).
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>

#include "backends.h"
#include "cdc/reader.h"
#include "core/ids.h"
#include "core/json.h"

namespace rt::testing {
namespace {

using namespace std::chrono_literals;

struct Published {
  Scope scope;
  events::RawEventInput input;
};

class CollectingSink : public cdc::ReaderSink {
 public:
  Status Publish(const Scope& scope, events::RawEventInput input) override {
    std::lock_guard lock(mu_);
    events_.push_back({scope, std::move(input)});
    cv_.notify_all();
    return Ok();
  }
  Status Record(const std::string&, uint64_t commit_lsn, std::vector<cdc::CdcOutcome> outcomes,
                bool complete) override {
    std::lock_guard lock(mu_);
    if (complete) {
      ++transactions_;
      position_ = std::max(position_, commit_lsn);
    } else {
      chunks_.push_back({events_.size(), outcomes.size(), position_});
    }
    for (auto& o : outcomes) outcomes_.push_back(std::move(o));
    cv_.notify_all();
    return Ok();
  }
  Result<uint64_t> RoutedPosition(const std::string&) override {
    std::lock_guard lock(mu_);
    return position_;
  }
  void SetPosition(uint64_t p) {
    std::lock_guard lock(mu_);
    position_ = p;
  }
  // Waits until at least n events arrived; returns a copy of all of them.
  std::vector<Published> WaitEvents(size_t n, std::chrono::milliseconds timeout = 15s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
    return events_;
  }
  std::vector<cdc::CdcOutcome> WaitOutcomes(size_t n, std::chrono::milliseconds timeout = 15s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return outcomes_.size() >= n; });
    return outcomes_;
  }
  int transactions() {
    std::lock_guard lock(mu_);
    return transactions_;
  }
  struct Chunk {
    size_t events_published_before;  // events the sink had when the chunk was recorded
    size_t outcomes;
    uint64_t position;  // the routed position then
  };
  std::vector<Chunk> chunks() {
    std::lock_guard lock(mu_);
    return chunks_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Published> events_;
  std::vector<cdc::CdcOutcome> outcomes_;
  int transactions_ = 0;
  std::vector<Chunk> chunks_;
  uint64_t position_ = 0;
};

cdc::CompiledMapping Compile(const std::string& id, const std::string& json) {
  auto m = cdc::ParseMapping(*json::Parse(json));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  m->id = id;
  auto c = cdc::CompiledMapping::Compile(*m);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return *c;
}

bool WaitState(cdc::CdcReader& r, const std::string& state, std::chrono::milliseconds timeout = 15s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (r.status().state == state) return true;
    std::this_thread::sleep_for(20ms);  // polling a status, not synchronizing on time
  }
  return false;
}

class CdcReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(Backend::kPostgres);
    auto t = cdc::PgTarget::Connect(PgUrl());
    ASSERT_TRUE(t.ok()) << t.error().message;
    target_ = std::move(*t);
    std::string id = NewId("r").substr(2);
    schema_ = "cdcr_" + id;
    options_.target_key = "t_" + id;
    options_.conninfo = PgUrl();
    options_.slot = "slot_" + id;
    options_.publication = "pub_" + id;
    options_.retry_delay = 200ms;
    ASSERT_TRUE(target_->Exec("CREATE SCHEMA " + schema_).ok());
    ASSERT_TRUE(target_->Exec("CREATE TABLE " + schema_ + ".items (id int PRIMARY KEY, status text, name text)").ok());
  }
  void TearDown() override {
    if (!target_) return;
    (void)target_->DropSlot(options_.slot);
    (void)target_->Exec("DROP PUBLICATION IF EXISTS " + options_.publication);
    (void)target_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  std::vector<cdc::ReaderMapping> Mappings() {
    Scope scope{"default", "development"};
    return {{scope, Compile("map_all", R"({"table":")" + schema_ + R"(.items","events":["insert","update","delete"],
               "topic":"items.changed","payload":{"id":"$row.id","status":"$row.status","kind":"item"}})")},
            {scope, Compile("map_status", R"({"table":")" + schema_ + R"(.items","events":["update"],
               "topic":"items.status","triggerColumns":["status"],"payload":{"id":"$row.id","status":"$row.status"}})")}};
  }
  std::unique_ptr<cdc::PgTarget> target_;
  std::string schema_;
  cdc::ReaderOptions options_;
};

TEST_F(CdcReaderTest, MapsChangesInCommitOrderAndResumesAfterTheConfirmedPosition) {
  CollectingSink sink;
  {
    cdc::CdcReader reader(options_, sink);
    reader.SetMappings(Mappings());
    reader.Start();
    ASSERT_TRUE(WaitState(reader, "streaming")) << reader.status().last_error;
    EXPECT_EQ(*target_->ReplicaIdentity(schema_ + ".items"), 'f');  // map_status needs old values

    const std::string t = schema_ + ".items";
    ASSERT_TRUE(target_->Exec("BEGIN; INSERT INTO " + t + " VALUES (1,'new','a'),(2,'new','b'),(3,'new','c'); COMMIT").ok());
    ASSERT_TRUE(target_->Exec("UPDATE " + t + " SET name = 'renamed' WHERE id = 1").ok());  // status unchanged
    ASSERT_TRUE(target_->Exec("UPDATE " + t + " SET status = 'active' WHERE id = 2").ok());
    ASSERT_TRUE(target_->Exec("DELETE FROM " + t + " WHERE id = 3").ok());
    auto got = sink.WaitEvents(7);
    ASSERT_EQ(got.size(), 7u);
    std::vector<std::string> seen;
    for (const auto& e : got) seen.push_back(e.input.topic + " " + e.input.type + " " + json::Serialize(e.input.payload));
    EXPECT_EQ(seen, (std::vector<std::string>{
                        R"(items.changed database.insert {"id":1,"status":"new","kind":"item"})",
                        R"(items.changed database.insert {"id":2,"status":"new","kind":"item"})",
                        R"(items.changed database.insert {"id":3,"status":"new","kind":"item"})",
                        R"(items.changed database.update {"id":1,"status":"new","kind":"item"})",
                        R"(items.changed database.update {"id":2,"status":"active","kind":"item"})",
                        R"(items.status database.update {"id":2,"status":"active"})",
                        R"(items.changed database.delete {"id":3,"status":"new","kind":"item"})",
                    }));
    std::set<std::string> ids;
    for (const auto& e : got) {
      ASSERT_TRUE(e.input.id.has_value());
      EXPECT_EQ(e.input.id->rfind("evt_", 0), 0u);
      ids.insert(*e.input.id);
      EXPECT_EQ(e.input.source, events::Source::kDatabase);
      EXPECT_EQ(*e.input.table, t);
      EXPECT_EQ(e.scope.application_id, "default");
    }
    EXPECT_EQ(ids.size(), 7u);
    // The name-only update was filtered by map_status's triggerColumns, and recorded as such.
    auto outcomes = sink.WaitOutcomes(8);
    size_t filtered = 0;
    for (const auto& o : outcomes) filtered += o.status == "filtered_trigger" && o.mapping_id == "map_status";
    EXPECT_EQ(filtered, 1u);

    // 1,000 rows in one transaction: all of them, delivered at its commit.
    int before_tx = sink.transactions();
    ASSERT_TRUE(target_->Exec("INSERT INTO " + t + " SELECT g, 'bulk', 'x' FROM generate_series(100, 1099) g").ok());
    got = sink.WaitEvents(1007);
    ASSERT_EQ(got.size(), 1007u);
    EXPECT_EQ(sink.WaitOutcomes(1008).size(), 1008u);  // recorded right after the publishes
    EXPECT_EQ(sink.transactions(), before_tx + 1);
    EXPECT_EQ(got.back().input.payload.at("id").as_int64(), 1099);
    auto st = reader.status();  // the counters move right after the sink saw the commit
    for (auto until = std::chrono::steady_clock::now() + 5s; st.routed < 1007 && std::chrono::steady_clock::now() < until;
         st = reader.status())
      std::this_thread::sleep_for(10ms);
    EXPECT_EQ(st.routed, 1007u);
    EXPECT_FALSE(st.confirmed_lsn.empty());
  }
  // Restart: only the change made while no reader ran arrives (nothing replayed or lost).
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (5000, 'late', 'z')").ok());
  CollectingSink again;
  cdc::CdcReader reader(options_, again);
  reader.SetMappings(Mappings());
  reader.Start();
  auto got = again.WaitEvents(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].input.payload.at("id").as_int64(), 5000);
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (5001, 'later', 'z')").ok());
  got = again.WaitEvents(2);
  ASSERT_EQ(got.size(), 2u);  // 5000 was not delivered twice
  EXPECT_EQ(got[1].input.payload.at("id").as_int64(), 5001);

  // A second reader on the same slot stands by while this one streams.
  CollectingSink other;
  cdc::CdcReader standby(options_, other);
  standby.SetMappings(Mappings());
  standby.Start();
  ASSERT_TRUE(WaitState(standby, "standby")) << standby.status().state << " " << standby.status().last_error;
  EXPECT_EQ(standby.status().failure, "slot_in_use");
  reader.Stop();  // the slot is released: the standby takes over
  ASSERT_TRUE(WaitState(standby, "streaming")) << standby.status().last_error;
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (5002, 'failover', 'z')").ok());
  auto taken = other.WaitEvents(1);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].input.payload.at("id").as_int64(), 5002);
  standby.Stop();
}

TEST_F(CdcReaderTest, ALargeTransactionStreamsInChunksAndMovesThePositionOnlyAtItsCommit) {
  CollectingSink sink;
  cdc::CdcReader reader(options_, sink);
  reader.SetMappings(Mappings());
  reader.Start();
  ASSERT_TRUE(WaitState(reader, "streaming")) << reader.status().last_error;
  constexpr int kRows = 10000;  // > 2 chunks of CdcReader::kChunkEvents
  static_assert(kRows > 2 * cdc::CdcReader::kChunkEvents);
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items SELECT g, 'bulk', 'x' FROM generate_series(1, " +
                            std::to_string(kRows) + ") g")
                  .ok());
  auto got = sink.WaitEvents(kRows, 60s);
  ASSERT_EQ(got.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) ASSERT_EQ(got[i].input.payload.at("id").as_int64(), i + 1);  // in order, all
  auto chunks = sink.chunks();
  ASSERT_EQ(chunks.size(), static_cast<size_t>(kRows / cdc::CdcReader::kChunkEvents));
  for (size_t i = 0; i < chunks.size(); ++i) {
    // The first chunk is logged whole (the log's burst); later ones are sampled (kRoutedLogPerSecond).
    if (i == 0) EXPECT_EQ(chunks[i].outcomes, cdc::CdcReader::kChunkEvents);
    else EXPECT_LT(chunks[i].outcomes, cdc::CdcReader::kChunkEvents);
    EXPECT_EQ(chunks[i].events_published_before, (i + 1) * cdc::CdcReader::kChunkEvents);  // published, then recorded
    EXPECT_EQ(chunks[i].position, 0u) << "a chunk does not move the routed position";
  }
  for (auto until = std::chrono::steady_clock::now() + 10s;
       sink.transactions() < 1 && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(sink.transactions(), 1) << "the commit recorded the rest and the position once";
  // Every routed outcome is either in the log or counted as sampled out.
  auto st = reader.status();
  EXPECT_EQ(st.routed, static_cast<uint64_t>(kRows));
  EXPECT_GT(st.log_sampled_out, 0u);
  EXPECT_EQ(sink.WaitOutcomes(0).size() + st.log_sampled_out, static_cast<size_t>(kRows));
  auto position = sink.RoutedPosition("");
  ASSERT_TRUE(position.ok());
  EXPECT_GT(*position, 0u);
  reader.Stop();
}

TEST_F(CdcReaderTest, SkipsTransactionsAtOrBelowTheRoutedPosition) {
  // As after a crash between recording a transaction and confirming it: the sink says it was
  // routed up to a position; PostgreSQL resends; the reader publishes only what lies beyond.
  ASSERT_TRUE(target_->Exec("CREATE PUBLICATION " + options_.publication + " FOR TABLE " + schema_ + ".items").ok());
  ASSERT_TRUE(target_->EnsureSlot(options_.slot).ok());
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (1, 'a', 'x')").ok());
  auto routed = target_->CurrentLsn();
  ASSERT_TRUE(routed.ok());
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (2, 'b', 'y')").ok());
  CollectingSink sink;
  sink.SetPosition(*routed);  // transaction 1 committed below it
  cdc::CdcReader reader(options_, sink);
  reader.SetMappings(Mappings());
  reader.Start();
  auto got = sink.WaitEvents(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].input.payload.at("id").as_int64(), 2);  // row 1 was skipped, row 2 published
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (3, 'c', 'z')").ok());
  got = sink.WaitEvents(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].input.payload.at("id").as_int64(), 3);
  reader.Stop();
}

TEST_F(CdcReaderTest, ReportsTroubleAsStatusNotACrash) {
  CollectingSink sink;
  cdc::CdcReader reader(options_, sink);
  EXPECT_EQ(reader.status().state, "stopped");
  reader.Start();
  ASSERT_TRUE(WaitState(reader, "idle"));  // no mappings: no slot held
  reader.SetMappings({{Scope{"default", "development"},
                       Compile("map_x", R"({"table":")" + schema_ + R"(.missing","events":["insert"],"topic":"x.y",
                         "payload":{"id":"$row.id"}})")}});
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (reader.status().last_error.empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  auto st = reader.status();
  EXPECT_EQ(st.state, "error");
  EXPECT_EQ(st.failure, "relation_does_not_exist");
  EXPECT_NE(st.last_error.find("does not exist"), std::string::npos) << st.last_error;
  reader.Stop();
}

}  // namespace
}  // namespace rt::testing
