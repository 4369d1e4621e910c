// SecretBox: encryption at rest of webhook endpoint secrets (and any other small secret the
// platform must be able to read back). AES-256-GCM (OpenSSL EVP) with a fresh random 12-byte
// nonce per value; the stored text is `v1:<base64(nonce | ciphertext | 16-byte tag)>`, so the
// same plaintext never seals to the same text and any change to the text fails to open.
//
// The key comes from REALTIME_SECRET_KEY (FromKeyMaterial) or, when that is unset, from a key
// file in the data directory that is generated on first start (LoadOrCreateKeyFile). Losing the
// key makes every sealed secret unreadable: back the key up with the database.
//
// Key material accepted by FromKeyMaterial (surrounding whitespace ignored), tried in this order:
//   1. 64 hex characters: the 32 key bytes;
//   2. base64 (standard or URL-safe alphabet, padding optional) of exactly 32 bytes, e.g. the
//      output of `openssl rand -base64 32` or the key file;
//   3. any other text of at least 16 characters: a passphrase, stretched to 32 bytes with
//      HKDF-SHA256 (salt "realtime-secret-box", info "v1"). HKDF is not a slow password hash:
//      use a long random passphrase, not a memorable one.
// Anything else (empty, shorter than 16 characters) is kValidation.
//
// Ownership / lifetime: a plain value holding a copy of the key, wiped on destruction.
// Thread safety: const methods may be called from any number of threads at once (each call
// uses its own OpenSSL context). Failure: Result values, never exceptions.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rt::webhooks {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  // A box from REALTIME_SECRET_KEY (formats above); kValidation names the variable on bad input.
  static Result<SecretBox> FromKeyMaterial(std::string_view key);
  // Reads the key file at path; when missing, creates it (and its directories) with 32 random
  // bytes in base64 and mode 0600. Two processes starting together agree on one key (the file
  // is published atomically with link(2)). kInternal when the file cannot be read or written,
  // kValidation when its content is not key material.
  static Result<SecretBox> LoadOrCreateKeyFile(const std::string& path);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  // `v1:<base64>`; kValidation for a plaintext over 1 MiB, kInternal if OpenSSL fails.
  Result<std::string> Seal(std::string_view plaintext) const;
  // The plaintext of a Seal output. kInternal "Cannot decrypt stored secret (wrong
  // REALTIME_SECRET_KEY? key id <key_id>)" when the tag does not verify (another key, or the text was altered), and for
  // text that is not a sealed value at all (unknown version, bad base64, too short).
  Result<std::string> Open(std::string_view sealed) const;

  // First 8 hex characters of SHA-256(key): identifies the key in logs without revealing it.
  const std::string& key_id() const { return key_id_; }

 private:
  explicit SecretBox(const std::array<unsigned char, kKeyBytes>& key);

  std::array<unsigned char, kKeyBytes> key_;
  std::string key_id_;
};

}  // namespace rt::webhooks
