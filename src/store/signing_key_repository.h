// SigningKeyRepository: the `signing_keys` table. Secrets are stored as given (HMAC needs the
// raw secret); protect the platform database accordingly.
//
// Failure: kNotFound for an unknown key id, kConflict on a duplicate id, kUnavailable when the
// database is down. Thread safety: as the Db (safe from any thread; blocking).
#pragma once

#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct SigningKeyRow {
  std::string key_id;
  std::string algorithm = "HS256";
  std::string secret;
  bool active = true;
  int64_t created_at = 0;      // ms
  int64_t deactivated_at = 0;  // ms, 0 while active
};

class SigningKeyRepository {
 public:
  explicit SigningKeyRepository(Db& db) : db_(db) {}

  Result<std::vector<SigningKeyRow>> List();
  Status Insert(const SigningKeyRow& key);
  // Marks a key inactive (idempotent for an already inactive key).
  Status Deactivate(const std::string& key_id, int64_t at_ms);
  // In one transaction: inserts `next` and deactivates `old_id` (NotFound leaves nothing changed).
  Status Rotate(const std::string& old_id, const SigningKeyRow& next);
  Status Delete(const std::string& key_id);
  // A cheap fingerprint of the table (count + latest change), for cross-instance refresh.
  Result<std::string> Fingerprint();

 private:
  Db& db_;
};

}  // namespace rt::store
