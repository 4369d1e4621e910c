// Passwords of admin users: bcrypt hashing through libxcrypt and the password policy.
//
// Hashes are standard bcrypt strings (`$2b$10$<22-char salt><31-char hash>`, 60 characters), so
// any bcrypt implementation can verify them. bcrypt reads at most 72 bytes of a password and
// stops at a NUL byte; rather than pre-hash (which would make the stored hashes non-standard) the
// policy REJECTS passwords over 72 bytes and passwords containing NUL, so every accepted password
// is hashed in full. HashPassword refuses them too, whatever the policy.
//
// Verification recomputes the hash with the stored salt and compares in constant time;
// VerifyAgainstDummy spends the same time for an unknown account so that login answers the same
// way, in the same time, for an unknown email and a wrong password.
//
// Thread safety: pure functions (crypt_r with per-call state). HashPassword and VerifyPassword
// cost ~50-100 ms at cost 10: call them from the blocking pool, never an I/O thread.
// Failure: Result values; kValidation for a password bcrypt cannot take, kInternal if libcrypt
// fails (no random source, unsupported method).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace rt::identity {

inline constexpr int kDefaultBcryptCost = 10;
inline constexpr size_t kBcryptMaxBytes = 72;

// A `$2b$` bcrypt hash of password with a fresh random salt. cost: 4..31 (tests use 4).
Result<std::string> HashPassword(std::string_view password, int cost = kDefaultBcryptCost);
// True if hash is a bcrypt hash of password. A malformed hash is false, never an error.
bool VerifyPassword(std::string_view password, std::string_view hash);
// Burns the time of one verification at `cost` (an unknown email at login); always false.
bool VerifyAgainstDummy(std::string_view password, int cost = kDefaultBcryptCost);

struct PasswordPolicy {
  size_t min_chars = 12;  // counted in Unicode code points (UTF-8)
  // Maximum in bytes; never above kBcryptMaxBytes (a larger value is treated as 72).
  size_t max_bytes = kBcryptMaxBytes;
  bool reject_all_same = true;  // "aaaaaaaaaaaa"
  bool reject_email = true;     // the account's own email (case-insensitive)

  // Ok, or kValidation "Password does not meet the policy: at least 12 characters; ..." naming
  // every rule that failed. email may be empty.
  Status Check(std::string_view password, std::string_view email = {}) const;
};

}  // namespace rt::identity
