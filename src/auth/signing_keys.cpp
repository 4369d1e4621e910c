#include "auth/signing_keys.h"

#include "core/ids.h"

namespace rt::auth {

void KeyRing::Replace(std::vector<SigningKey> keys) {
  auto next = std::make_shared<const std::vector<SigningKey>>(std::move(keys));
  std::lock_guard lock(mu_);
  keys_ = std::move(next);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::optional<std::string> KeyRing::SecretFor(std::string_view kid) const {
  std::shared_ptr<const std::vector<SigningKey>> keys;
  {
    std::lock_guard lock(mu_);
    keys = keys_;
  }
  for (const auto& k : *keys) {
    if (k.key_id == kid) return k.secret;
  }
  return std::nullopt;
}

std::optional<SigningKey> KeyRing::Signer() const {
  std::lock_guard lock(mu_);
  const SigningKey* best = nullptr;
  for (const auto& k : *keys_) {
    if (!k.active || k.from_env) continue;
    if (!best || k.created_at > best->created_at || (k.created_at == best->created_at && k.key_id > best->key_id))
      best = &k;
  }
  if (!best) {
    for (const auto& k : *keys_) {
      if (k.from_env) best = &k;
    }
  }
  return best ? std::optional<SigningKey>(*best) : std::nullopt;
}

std::vector<SigningKey> KeyRing::All() const {
  std::lock_guard lock(mu_);
  return *keys_;
}

Status SigningKeyService::Refresh() {
  std::lock_guard lock(refresh_mu_);
  auto fp = repo_.Fingerprint();
  if (!fp.ok()) return fp.take_error();
  auto rows = repo_.List();
  if (!rows.ok()) return rows.take_error();
  std::vector<SigningKey> keys;
  if (!env_secret_.empty()) keys.push_back({"default", "HS256", env_secret_, true, 0, 0, true});
  for (auto& r : *rows) {
    keys.push_back({r.key_id, r.algorithm, r.secret, r.active, r.created_at, r.deactivated_at, false});
  }
  std::vector<std::string> removed;
  for (const auto& old : ring_.All()) {
    bool kept = false;
    for (const auto& k : keys) kept = kept || k.key_id == old.key_id;
    if (!kept) removed.push_back(old.key_id);
  }
  ring_.Replace(std::move(keys));
  fingerprint_ = std::move(*fp);
  if (!removed.empty() && on_removed_) on_removed_(removed);
  return Ok();
}

void SigningKeyService::SetRemovalListener(std::function<void(const std::vector<std::string>&)> listener) {
  std::lock_guard lock(refresh_mu_);
  on_removed_ = std::move(listener);
}

Status SigningKeyService::RefreshIfChanged() {
  {
    std::lock_guard lock(refresh_mu_);
    auto fp = repo_.Fingerprint();
    if (!fp.ok()) return fp.take_error();
    if (*fp == fingerprint_) return Ok();
  }
  return Refresh();
}

Result<std::string> SigningKeyService::EnsureSigner() {
  RT_TRY(Refresh());
  if (ring_.Signer()) return std::string();
  auto key = Create();
  if (!key.ok()) return key.take_error();
  return key->key_id;
}

SigningKey SigningKeyService::NewKey() {
  SigningKey k;
  k.key_id = NewId("key");
  k.secret = RandomHex(32);
  k.created_at = NowMs();
  return k;
}

Status SigningKeyService::RejectEnvKey(const std::string& key_id) const {
  if (key_id == "default" && !env_secret_.empty())
    return Error::Validation("The default key comes from JWT_SECRET and cannot be changed through the API");
  return Ok();
}

Result<SigningKey> SigningKeyService::Create() {
  SigningKey k = NewKey();
  RT_TRY(repo_.Insert({k.key_id, k.algorithm, k.secret, true, k.created_at, 0}));
  RT_TRY(Refresh());
  return k;
}

Status SigningKeyService::Deactivate(const std::string& key_id) {
  RT_TRY(RejectEnvKey(key_id));
  RT_TRY(repo_.Deactivate(key_id, NowMs()));
  return Refresh();
}

Result<SigningKey> SigningKeyService::Rotate(const std::string& key_id) {
  RT_TRY(RejectEnvKey(key_id));
  SigningKey k = NewKey();
  RT_TRY(repo_.Rotate(key_id, {k.key_id, k.algorithm, k.secret, true, k.created_at, 0}));
  RT_TRY(Refresh());
  return k;
}

Status SigningKeyService::Delete(const std::string& key_id) {
  RT_TRY(RejectEnvKey(key_id));
  RT_TRY(repo_.Delete(key_id));
  return Refresh();
}

}  // namespace rt::auth
