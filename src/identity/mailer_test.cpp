#include "identity/mailer.h"

#include <gtest/gtest.h>

namespace rt::identity {
namespace {

TEST(MailerTest, MessageHasHeadersAndCrlfBody) {
  std::string m = BuildMessage("Realtime <noreply@example.com>", "jane@example.com", "Reset your password",
                               "Hello\nclick here\n.dot line", 1'700'000'000'000);
  EXPECT_NE(m.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("From: Realtime <noreply@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("To: jane@example.com\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: Reset your password\r\n"), std::string::npos);
  EXPECT_NE(m.find("@example.com>\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nHello\r\nclick here\r\n.dot line\r\n"), std::string::npos);
  EXPECT_EQ(m.find("\n\n"), std::string::npos);
}

TEST(MailerTest, NonAsciiSubjectIsEncoded) {
  std::string m = BuildMessage("a@b.c", "d@e.f", "Passwort zurücksetzen", "x", 0);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
}

TEST(MailerTest, Addresses) {
  EXPECT_EQ(MailAddress("Realtime <noreply@example.com>"), "noreply@example.com");
  EXPECT_EQ(MailAddress(" jane@example.com "), "jane@example.com");
  EXPECT_EQ(MailAddress("not an address"), "");
  EXPECT_EQ(MailAddress("a@b.c\r\nBcc: x@y.z"), "");
  EXPECT_EQ(MailAddress("<broken@x"), "");
}

TEST(MailerTest, FactoryAndValidation) {
  auto null = MakeMailer("", "");
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE((*null)->configured());
  EXPECT_EQ((*null)->Send("a@b.c", "s", "t").error().code, ErrorCode::kUnavailable);

  EXPECT_FALSE(MakeMailer("http://mail.example.com", "a@b.c").ok());
  EXPECT_FALSE(MakeMailer("smtp://mail.example.com", "nobody").ok());
  auto smtp = MakeMailer("smtps://user:secret@mail.example.com:465", "a@b.c");
  ASSERT_TRUE(smtp.ok());
  EXPECT_TRUE((*smtp)->configured());
  EXPECT_EQ((*smtp)->Describe(), "smtps://mail.example.com:465");
  EXPECT_EQ((*smtp)->Send("a@b.c\r\nBcc: evil@x.y", "s", "t").error().code, ErrorCode::kValidation);
  EXPECT_EQ((*smtp)->Send("a@b.c", "s\r\nBcc: evil@x.y", "t").error().code, ErrorCode::kValidation);
}

TEST(MailerTest, UnreachableServerIsUnavailable) {
  auto smtp = MakeMailer("smtp://127.0.0.1:1", "a@b.c");  // nothing listens on port 1
  ASSERT_TRUE(smtp.ok());
  auto st = (*smtp)->Send("jane@example.com", "s", "t");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace rt::identity
