// cdc::PgTarget and cdc::PgReplicationStream against the real PostgreSQL (wal_level=logical):
// publication management, slot creation, streaming XLogData frames of a transaction, the
// standby status update advancing the slot's confirmed LSN, and the failures the reader status
// shows (relation does not exist, slot in use). Skips without REALTIME_TEST_PG_URL (fails with
// REALTIME_REQUIRE_PG=1). Every test uses its own schema, publication and slot, dropped at the end.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "backends.h"
#include "cdc/pg_replication.h"
#include "core/ids.h"

namespace rt::testing {
namespace {

using cdc::Failure;
using cdc::PgReplicationStream;
using cdc::PgTarget;

uint64_t U64At(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

class PgReplication : public ::testing::Test {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(Backend::kPostgres);
    auto t = PgTarget::Connect(PgUrl());
    ASSERT_TRUE(t.ok()) << t.error().message;
    target_ = std::move(*t);
    std::string id = NewId("r").substr(2);
    schema_ = "cdc_" + id;
    pub_ = "pub_" + id;
    slot_ = "slot_" + id;
    ASSERT_TRUE(target_->Exec("CREATE SCHEMA " + schema_).ok());
    ASSERT_TRUE(target_->Exec("CREATE TABLE " + schema_ + ".items (id int PRIMARY KEY, name text)").ok());
  }
  void TearDown() override {
    if (!target_) return;
    (void)target_->DropSlot(slot_);
    (void)target_->Exec("DROP PUBLICATION IF EXISTS " + pub_);
    (void)target_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  std::unique_ptr<PgTarget> target_;
  std::string schema_, pub_, slot_;
};

TEST_F(PgReplication, PreparesTheTarget) {
  ASSERT_TRUE(target_->CheckWalLevel().ok());
  ASSERT_TRUE(target_->SyncPublication(pub_, {schema_ + ".items"}).ok());
  ASSERT_TRUE(target_->SyncPublication(pub_, {schema_ + ".items"}).ok());  // idempotent
  auto missing = target_->SyncPublication(pub_, {schema_ + ".items", schema_ + ".nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(target_->last_failure(), Failure::kNoRelation);
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos) << missing.error().message;
  EXPECT_EQ(*target_->ReplicaIdentity(schema_ + ".items"), 'd');
  ASSERT_TRUE(target_->SetReplicaIdentityFull(schema_ + ".items").ok());
  EXPECT_EQ(*target_->ReplicaIdentity(schema_ + ".items"), 'f');
  auto created = target_->EnsureSlot(slot_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto again = target_->EnsureSlot(slot_);
  ASSERT_TRUE(again.ok());
  EXPECT_GT(*again, 0u);  // an existing slot: its confirmed position
  EXPECT_EQ(cdc::ClassifyPgError("ERROR:  must be owner of table items"), Failure::kNotOwner);
  EXPECT_EQ(cdc::ClassifyPgError("logical decoding requires wal_level >= logical"), Failure::kWalLevel);
  EXPECT_EQ(cdc::ClassifyPgError("replication slot \"s\" already exists"), Failure::kSlotExists);
}

TEST_F(PgReplication, StreamsATransactionAndConfirmsIt) {
  ASSERT_TRUE(target_->SyncPublication(pub_, {schema_ + ".items"}).ok());
  ASSERT_TRUE(target_->EnsureSlot(slot_).ok());
  ASSERT_TRUE(target_->Exec("BEGIN; INSERT INTO " + schema_ + ".items VALUES (1, 'a'), (2, 'b'), (3, 'c'); COMMIT").ok());
  auto before = target_->ConfirmedFlushLsn(slot_);
  ASSERT_TRUE(before.ok());

  auto stream = PgReplicationStream::Start({PgUrl(), slot_, pub_, 0});
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  int inserts = 0;
  uint64_t commit_end = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (commit_end == 0 && std::chrono::steady_clock::now() < deadline) {
    auto msg = (*stream)->Next(std::chrono::milliseconds(500));
    ASSERT_TRUE(msg.ok()) << msg.error().message;
    if (!*msg) continue;
    const std::string& m = **msg;
    ASSERT_FALSE(m.empty());
    if (m[0] == 'k') {  // keepalive: 'k', end LSN, clock, reply flag
      ASSERT_EQ(m.size(), 18u);
      if (m[17]) {
        ASSERT_TRUE((*stream)->SendStatus(U64At(m, 1), 0, false).ok());
      }
      continue;
    }
    ASSERT_EQ(m[0], 'w');  // XLogData: 'w', start, end, clock, then the pgoutput message
    ASSERT_GT(m.size(), 25u);
    char type = m[25];
    if (type == 'I') ++inserts;
    if (type == 'C') commit_end = U64At(m, 26 + 1 + 8);  // flags(1), commit LSN(8), end LSN(8)
  }
  ASSERT_NE(commit_end, 0u) << "no commit streamed";
  EXPECT_EQ(inserts, 3);
  ASSERT_TRUE((*stream)->SendStatus(commit_end, commit_end, false).ok());

  // Meanwhile the slot is taken: a second reader is refused with "is active for PID".
  auto second = PgReplicationStream::Start({PgUrl(), slot_, pub_, 0});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("active"), std::string::npos) << second.error().message;

  // The walsender applies the status asynchronously: wait for the confirmed LSN to move.
  uint64_t confirmed = *before;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (confirmed < commit_end && std::chrono::steady_clock::now() < deadline) {
    (void)(*stream)->Next(std::chrono::milliseconds(100));
    confirmed = *target_->ConfirmedFlushLsn(slot_);
  }
  EXPECT_GE(confirmed, commit_end);
  stream->reset();

  // Restarting from the confirmed position does not replay the confirmed transaction.
  ASSERT_TRUE(target_->Exec("INSERT INTO " + schema_ + ".items VALUES (4, 'd')").ok());
  auto resumed = PgReplicationStream::Start({PgUrl(), slot_, pub_, 0});
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  inserts = 0;
  bool committed = false;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!committed && std::chrono::steady_clock::now() < deadline) {
    auto msg = (*resumed)->Next(std::chrono::milliseconds(500));
    ASSERT_TRUE(msg.ok()) << msg.error().message;
    if (!*msg || (**msg)[0] != 'w') continue;
    if ((**msg)[25] == 'I') ++inserts;
    if ((**msg)[25] == 'C') committed = true;
  }
  EXPECT_TRUE(committed);
  EXPECT_EQ(inserts, 1);  // only row 4
}

}  // namespace
}  // namespace rt::testing
