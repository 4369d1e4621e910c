// Signing keys and tokens against SQLite and PostgreSQL: rotation keeps old tokens valid,
// deactivated keys never sign, deleted keys stop verifying, and a second instance sharing the
// database picks up changes.
#include <gtest/gtest.h>

#include "auth/signing_keys.h"
#include "auth/token_service.h"
#include "backends.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

class SigningKeyConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    db_ = OpenBackend(GetParam());
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    repo_ = std::make_unique<store::SigningKeyRepository>(*db_);
    keys_ = std::make_unique<auth::SigningKeyService>(*repo_, "");
    tokens_ = std::make_unique<auth::TokenService>(*keys_, auth::TokenOptions{});
  }

  std::string Issue() {
    auth::TokenRequest r;
    r.application_id = "default";
    r.permissions = {"subscribe"};
    r.ttl_s = 600;
    auto t = tokens_->Issue(r);
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->token : "";
  }
  std::string KidOf(const std::string& token) {
    auto c = tokens_->Verify(token);
    return c.ok() ? c->kid : "(invalid: " + c.error().message + ")";
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::SigningKeyRepository> repo_;
  std::unique_ptr<auth::SigningKeyService> keys_;
  std::unique_ptr<auth::TokenService> tokens_;
};

TEST_P(SigningKeyConformance, FreshInstallCreatesExactlyOneSigner) {
  auto first = keys_->EnsureSigner();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->empty());
  EXPECT_TRUE(keys_->EnsureSigner()->empty());
  EXPECT_EQ(keys_->List().size(), 1u);
  EXPECT_EQ(KidOf(Issue()), *first);
}

TEST_P(SigningKeyConformance, RotateKeepsOldTokensAndSignsWithTheNewKey) {
  auto k1 = keys_->Create();
  ASSERT_TRUE(k1.ok());
  std::string old_token = Issue();
  EXPECT_EQ(KidOf(old_token), k1->key_id);

  auto k2 = keys_->Rotate(k1->key_id);
  ASSERT_TRUE(k2.ok()) << k2.error().message;
  EXPECT_EQ(KidOf(old_token), k1->key_id);  // still verifies
  EXPECT_EQ(KidOf(Issue()), k2->key_id);
  for (const auto& k : keys_->List()) EXPECT_EQ(k.active, k.key_id == k2->key_id) << k.key_id;

  EXPECT_EQ(keys_->Rotate("key_missing").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(keys_->List().size(), 2u);  // the failed rotation inserted nothing
}

TEST_P(SigningKeyConformance, DeactivatedNeverSignsDeletedNeverVerifies) {
  auto k1 = keys_->Create();
  std::string t1 = Issue();
  ASSERT_TRUE(keys_->Deactivate(k1->key_id).ok());
  auto none = tokens_->Issue({"default", {"subscribe"}, "", {}, 60, false, std::nullopt});
  ASSERT_FALSE(none.ok());  // nothing active can sign
  EXPECT_EQ(none.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(KidOf(t1), k1->key_id);
  ASSERT_TRUE(keys_->Delete(k1->key_id).ok());
  EXPECT_FALSE(tokens_->Verify(t1).ok());
  EXPECT_EQ(keys_->Delete(k1->key_id).error().code, ErrorCode::kNotFound);
}

// Authenticate answers a token it verified before from its cache (auth/verified_token_cache.h);
// deleting the key must still refuse it at once here, and on another instance at its poll.
TEST_P(SigningKeyConformance, ACachedTokenIsRefusedOnceItsKeyIsDeleted) {
  auth::SigningKeyService other_keys(*repo_, "");
  auth::TokenService other_tokens(other_keys, auth::TokenOptions{});
  auto k = keys_->Create();
  ASSERT_TRUE(k.ok());
  ASSERT_TRUE(other_keys.Refresh().ok());
  std::string token = Issue();
  for (int i = 0; i < 2; ++i) {  // the second answer comes from the cache
    auto p = tokens_->Authenticate(token);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->application_id, "default");
    EXPECT_EQ(p->permissions, std::vector<std::string>{"subscribe"});
    ASSERT_TRUE(other_tokens.Authenticate(token).ok());
  }
  ASSERT_TRUE(keys_->Deactivate(k->key_id).ok());
  ASSERT_TRUE(keys_->Delete(k->key_id).ok());
  auto here = tokens_->Authenticate(token);
  ASSERT_FALSE(here.ok());
  EXPECT_EQ(here.error().code, ErrorCode::kUnauthorized);
  ASSERT_TRUE(other_tokens.Authenticate(token).ok()) << "the other instance has not polled yet";
  ASSERT_TRUE(other_keys.RefreshIfChanged().ok());
  EXPECT_FALSE(other_tokens.Authenticate(token).ok());
  EXPECT_FALSE(tokens_->Authenticate("x" + token).ok()) << "a different text is verified, never matched";
}

TEST_P(SigningKeyConformance, SecondInstanceSeesChanges) {
  auth::SigningKeyService other_keys(*repo_, "");
  auth::TokenService other_tokens(other_keys, auth::TokenOptions{});
  ASSERT_TRUE(other_keys.Refresh().ok());
  auto k = keys_->Create();
  std::string token = Issue();
  auto c = other_tokens.Verify(token);  // unknown kid -> reload -> verifies
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->kid, k->key_id);
  ASSERT_TRUE(keys_->Deactivate(k->key_id).ok());
  ASSERT_TRUE(other_keys.RefreshIfChanged().ok());
  EXPECT_FALSE(other_keys.ring().Signer().has_value());
}

// The seam behind "live connections follow their token": a deleted key is reported by the
// instance that deleted it at once, and by another instance at its next poll, exactly once.
TEST_P(SigningKeyConformance, DeletedKeysAreReportedHereAndOnAnotherInstance) {
  auth::SigningKeyService other_keys(*repo_, "");
  auto k1 = keys_->Create();
  auto k2 = keys_->Create();
  ASSERT_TRUE(k1.ok() && k2.ok());
  ASSERT_TRUE(other_keys.Refresh().ok());
  std::vector<std::string> here, there;
  keys_->SetRemovalListener([&](const std::vector<std::string>& ids) { here.insert(here.end(), ids.begin(), ids.end()); });
  other_keys.SetRemovalListener(
      [&](const std::vector<std::string>& ids) { there.insert(there.end(), ids.begin(), ids.end()); });
  ASSERT_TRUE(keys_->Deactivate(k2->key_id).ok());  // deactivated keys still verify: not removed
  ASSERT_TRUE(keys_->Delete(k1->key_id).ok());
  EXPECT_EQ(here, std::vector<std::string>{k1->key_id});
  EXPECT_TRUE(there.empty());
  ASSERT_TRUE(other_keys.RefreshIfChanged().ok());
  EXPECT_EQ(there, std::vector<std::string>{k1->key_id});
  ASSERT_TRUE(other_keys.Refresh().ok());
  EXPECT_EQ(there.size(), 1u);
  keys_->SetRemovalListener(nullptr);
  other_keys.SetRemovalListener(nullptr);
}

TEST_P(SigningKeyConformance, EnvSecretIsDefaultSignerUntilAManagedKeyExists) {
  auth::SigningKeyService env_keys(*repo_, "env-secret-0123456789");
  auth::TokenService env_tokens(env_keys, auth::TokenOptions{});
  ASSERT_TRUE(env_keys.EnsureSigner().ok());
  EXPECT_EQ(env_keys.ring().Signer()->key_id, "default");
  EXPECT_EQ(env_keys.Deactivate("default").error().code, ErrorCode::kValidation);
  auto managed = env_keys.Create();
  EXPECT_EQ(env_keys.ring().Signer()->key_id, managed->key_id);
}

INSTANTIATE_TEST_SUITE_P(Backends, SigningKeyConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
