// Signing keys: the managed HS256 keys in the platform database, held in memory for the hot path.
//
// KeyRing is the in-memory snapshot every verification reads (no database on the hot path).
// SigningKeyService owns the CRUD of spec/13-api-admin.md (list, create, deactivate, rotate,
// delete) and keeps the ring in step: after its own changes at once, and with changes made by
// other instances sharing the database through a background poll (RefreshIfChanged).
//
// Which key signs: the newest active managed key; if there is none, the JWT_SECRET key (kid
// "default"). Which keys verify: every key that is not deleted, active or not (a deactivated key
// stops signing; its tokens stay valid until they expire). JWT_SECRET is never stored and can
// be neither deactivated nor deleted through the API.
//
// Thread safety: all methods may be called from any thread. Service methods block on the Db.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/signing_key_repository.h"

namespace rt::auth {

struct SigningKey {
  std::string key_id;
  std::string algorithm = "HS256";
  std::string secret;
  bool active = true;
  int64_t created_at = 0;
  int64_t deactivated_at = 0;
  bool from_env = false;  // the JWT_SECRET key
};

class KeyRing {
 public:
  void Replace(std::vector<SigningKey> keys);
  std::optional<std::string> SecretFor(std::string_view kid) const;
  std::optional<SigningKey> Signer() const;
  std::vector<SigningKey> All() const;
  // Bumped by every Replace: what was verified against an older generation must be re-verified.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::atomic<uint64_t> generation_{0};
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<SigningKey>> keys_ = std::make_shared<std::vector<SigningKey>>();  // guarded
};

class SigningKeyService {
 public:
  // env_secret: JWT_SECRET or empty.
  SigningKeyService(store::SigningKeyRepository& repo, std::string env_secret)
      : repo_(repo), env_secret_(std::move(env_secret)) {}

  const KeyRing& ring() const { return ring_; }

  // Reloads the ring from the database.
  Status Refresh();
  // Reloads only if the table changed since the last load (cheap; for the background poll).
  Status RefreshIfChanged();
  // Creates a managed key when nothing could sign (no active key and no JWT_SECRET), so a fresh
  // installation can issue tokens at once. Returns the new key id, or empty if none was needed.
  Result<std::string> EnsureSigner();

  std::vector<SigningKey> List() const { return ring_.All(); }
  Result<SigningKey> Create();  // the returned key carries its secret (shown once)
  Status Deactivate(const std::string& key_id);
  Result<SigningKey> Rotate(const std::string& key_id);
  Status Delete(const std::string& key_id);

  // Called after a reload with the ids of the keys that were in the ring and are gone (deleted
  // here, or on another instance and seen by the background poll). Runs on the reloading thread
  // with the reload lock held: it must not block or call back into this service. Any thread;
  // pass nullptr to stop.
  void SetRemovalListener(std::function<void(const std::vector<std::string>&)> listener);

 private:
  static SigningKey NewKey();
  Status RejectEnvKey(const std::string& key_id) const;

  store::SigningKeyRepository& repo_;
  const std::string env_secret_;
  KeyRing ring_;
  std::mutex refresh_mu_;
  std::string fingerprint_;  // guarded by refresh_mu_
  std::function<void(const std::vector<std::string>&)> on_removed_;  // guarded by refresh_mu_
};

}  // namespace rt::auth
