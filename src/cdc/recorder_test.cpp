#include "cdc/recorder.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace rt::cdc {
namespace {

// Records calls; Record blocks while `hold` is set, and fails when `fail_next` is set.
class FakeSink final : public ReaderSink {
 public:
  Status Publish(const Scope&, events::RawEventInput) override { return Ok(); }
  Status Record(const std::string&, uint64_t commit_lsn, std::vector<CdcOutcome> outcomes, bool complete) override {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return !hold; });
    if (fail_next) return Error::Unavailable("database down");
    calls.push_back({commit_lsn, outcomes.size(), complete});
    return Ok();
  }
  Result<uint64_t> RoutedPosition(const std::string&) override { return uint64_t{0}; }
  void Release() {
    {
      std::lock_guard lock(mu);
      hold = false;
    }
    cv.notify_all();
  }
  struct Call {
    uint64_t lsn;
    size_t outcomes;
    bool complete;
  };
  std::mutex mu;
  std::condition_variable cv;
  bool hold = false, fail_next = false;
  std::vector<Call> calls;
};

std::vector<CdcOutcome> Outcomes(size_t n) { return std::vector<CdcOutcome>(n); }

TEST(TxRecorder, RecordsInOrderAndMakesOnlyCompleteBatchesDurable) {
  FakeSink sink;
  TxRecorder r(sink, "tgt");
  r.Enqueue(Outcomes(2), 0x10, 0x18, true, true);
  r.Enqueue(Outcomes(3), 0x20, 0, false, true);     // a chunk of a large transaction
  r.Enqueue({}, 0x20, 0x28, true, false);           // its end, nothing more to write: position only
  ASSERT_TRUE(r.Drain().ok());
  EXPECT_EQ(r.durable(), 0x28u);
  ASSERT_EQ(sink.calls.size(), 2u);  // the position-only batch writes nothing
  EXPECT_EQ(sink.calls[0].lsn, 0x10u);
  EXPECT_EQ(sink.calls[0].outcomes, 2u);
  EXPECT_FALSE(sink.calls[1].complete);
  EXPECT_TRUE(r.idle());
}

TEST(TxRecorder, NothingIsDurableWhileItsRecordIsInFlight) {
  FakeSink sink;
  sink.hold = true;
  TxRecorder r(sink, "tgt");
  r.Enqueue(Outcomes(1), 0x10, 0x18, true, true);
  EXPECT_EQ(r.durable(), 0u);
  EXPECT_FALSE(r.idle());
  sink.Release();
  ASSERT_TRUE(r.Drain().ok());
  EXPECT_EQ(r.durable(), 0x18u);
}

TEST(TxRecorder, AFailedRecordStopsEverythingAfterIt) {
  FakeSink sink;
  sink.fail_next = true;
  TxRecorder r(sink, "tgt");
  r.Enqueue(Outcomes(1), 0x10, 0x18, true, true);
  Status st = r.Drain();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "database down");
  sink.fail_next = false;
  r.Enqueue(Outcomes(1), 0x20, 0x28, true, true);  // dropped: never recorded, never durable
  EXPECT_FALSE(r.Drain().ok());
  EXPECT_EQ(r.durable(), 0u);
  EXPECT_TRUE(sink.calls.empty());
}

}  // namespace
}  // namespace rt::cdc
