// SmtpMailer against a real SMTP server (aiosmtpd, smtp_sink.h): the message arrives with its
// headers and body; a non-ASCII subject and leading dots survive the trip.
#include <gtest/gtest.h>

#include "identity/mailer.h"
#include "smtp_sink.h"

namespace rt::testing {
namespace {

class MailerSmtpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SmtpSink::Available()) GTEST_SKIP() << "python3-aiosmtpd not installed";
    ASSERT_TRUE(sink_.Start()) << "aiosmtpd did not start";
  }
  SmtpSink sink_;
};

TEST_F(MailerSmtpTest, MessageArrives) {
  auto mailer = identity::MakeMailer(sink_.url(), "Realtime <noreply@example.com>");
  ASSERT_TRUE(mailer.ok()) << mailer.error().message;
  Status st = (*mailer)->Send("jane@example.com", "Reset your password", "Hello Jane\n.leading dot\nbye\n");
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto messages = sink_.Messages();
  ASSERT_EQ(messages.size(), 1u);
  const std::string& m = messages[0];
  EXPECT_NE(m.find("From: Realtime <noreply@example.com>"), std::string::npos) << m;
  EXPECT_NE(m.find("To: jane@example.com"), std::string::npos) << m;
  EXPECT_NE(m.find("Subject: Reset your password"), std::string::npos) << m;
  EXPECT_NE(m.find("Hello Jane\n.leading dot\nbye"), std::string::npos) << m;
}

TEST_F(MailerSmtpTest, SeveralMessagesFromSeveralThreads) {
  auto mailer = identity::MakeMailer(sink_.url(), "noreply@example.com");
  ASSERT_TRUE(mailer.ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      if (!(*mailer)->Send("u" + std::to_string(i) + "@example.com", "Grüße " + std::to_string(i), "x").ok()) failures++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto messages = sink_.Messages();
  EXPECT_EQ(messages.size(), 4u);
  for (const auto& m : messages) EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos) << m;
}

}  // namespace
}  // namespace rt::testing
