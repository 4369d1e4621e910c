// A fixture for IdentityService tests: a migrated backend (SQLite or PostgreSQL), an injectable
// wall clock, a throttle on the same clock, bcrypt at cost 4, the TOTP secret sealed by a
// SecretBox, and helpers to set up the first super_admin and turn users into actors.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "backends.h"
#include "identity/identity_service.h"
#include "identity/totp.h"
#include "webhooks/secret_box.h"

namespace rt::testing {

inline constexpr int64_t kIdentityT0 = 1'700'000'000'000;
inline constexpr char kGoodPassword[] = "correct horse battery";

class IdentityFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    Build(std::make_unique<identity::NullMailer>());
  }

  // (Re)creates the service with another mailer or options.
  void Build(std::unique_ptr<identity::Mailer> mailer, identity::IdentityOptions options = {}) {
    mailer_ = std::move(mailer);
    options.bcrypt_cost = 4;
    auto box = webhooks::SecretBox::FromKeyMaterial(std::string(64, 'a'));
    ASSERT_TRUE(box.ok());
    auto shared = std::make_shared<webhooks::SecretBox>(*box);
    identity::SecretSealer sealer{[shared](std::string_view s) { return shared->Seal(s); },
                                  [shared](std::string_view s) { return shared->Open(s); }};
    service_.reset();
    throttle_ = std::make_unique<identity::LoginThrottle>(identity::ThrottleOptions{},
                                                          [this] { return now_.load(); });
    service_ = std::make_unique<identity::IdentityService>(*db_, *mailer_, *throttle_, options, sealer,
                                                           [this] { return now_.load(); });
  }

  identity::LoginResult SetupAdmin(const std::string& email = "root@example.com") {
    auto r = service_->Setup("Root", email, kGoodPassword, client_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : identity::LoginResult{};
  }

  identity::Actor ActorOf(const identity::UserView& v, const std::string& session_id = "") {
    return identity::Actor{v.user.id, "user", v.permissions, session_id, "10.0.0.1"};
  }

  // A user with one role, and its actor.
  identity::Actor MakeUser(const identity::Actor& by, const std::string& email, const std::string& role_id) {
    auto u = service_->CreateUser(by, "User", email, kGoodPassword, {role_id});
    EXPECT_TRUE(u.ok()) << u.error().message;
    return u.ok() ? ActorOf(*u) : identity::Actor{};
  }

  // The current TOTP code of a base32 secret.
  std::string CodeAt(const std::string& secret_b32, int64_t offset_steps = 0) {
    auto key = identity::Base32Decode(secret_b32);
    return identity::TotpCode(*key, now_.load() / 1000 / 30 + offset_steps);
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<identity::Mailer> mailer_;
  std::unique_ptr<identity::LoginThrottle> throttle_;
  std::unique_ptr<identity::IdentityService> service_;
  std::atomic<int64_t> now_{kIdentityT0};
  identity::ClientInfo client_{"10.0.0.1", "test-agent"};
};

}  // namespace rt::testing
