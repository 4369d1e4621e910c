// Pure logic of the job queue: queue-name rule and retry backoff.
#include "jobs/queue.h"

#include <gtest/gtest.h>

namespace rt::jobs {
namespace {

TEST(QueueName, AcceptsTheBuiltInNamesAndSimpleNames) {
  EXPECT_EQ(ValidateQueueName(kWebhookDeliveryQueue), "");
  EXPECT_EQ(ValidateQueueName(kAlertsQueue), "");
  EXPECT_EQ(ValidateQueueName(kAnalyticsEventsQueue), "");
  EXPECT_EQ(ValidateQueueName("q1.part_2"), "");
  EXPECT_EQ(ValidateQueueName(std::string(64, 'a')), "");
}

TEST(QueueName, RejectsEmptyLongUppercaseAndBadStart) {
  EXPECT_NE(ValidateQueueName(""), "");
  EXPECT_NE(ValidateQueueName(std::string(65, 'a')), "");
  EXPECT_NE(ValidateQueueName("Alerts"), "");
  EXPECT_NE(ValidateQueueName("-alerts"), "");
  EXPECT_NE(ValidateQueueName("al erts"), "");
  EXPECT_NE(ValidateQueueName("alerts/x"), "");
}

TEST(Backoff, DoublesFromTheBaseAddsJitterAndIsCapped) {
  EXPECT_EQ(BackoffDelayMs(1, 0), 1000);
  EXPECT_EQ(BackoffDelayMs(2, 0), 2000);
  EXPECT_EQ(BackoffDelayMs(3, 250), 4250);
  EXPECT_EQ(BackoffDelayMs(6, 0), 32000);
  EXPECT_EQ(BackoffDelayMs(7, 0), 60000);      // 64 s capped at 60 s
  EXPECT_EQ(BackoffDelayMs(500, 999), 60000);  // no overflow for huge attempt numbers
  EXPECT_EQ(BackoffDelayMs(0, -5), 1000);      // attempt and jitter clamped to sane values
  EXPECT_EQ(BackoffDelayMs(2, 0, 100, 1000), 200);
}

}  // namespace
}  // namespace rt::jobs
