#include "identity/tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "auth/base64url.h"
#include "core/encoding.h"

namespace rt::identity {
namespace {
constexpr size_t kRandomBytes = 32;
constexpr size_t kEncodedChars = 43;  // base64url of 32 bytes, unpadded
}  // namespace

std::string NewToken(std::string_view prefix) {
  unsigned char buf[kRandomBytes];
  if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out(prefix);
  out += auth::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf));
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

std::string TokenHash(std::string_view token) { return LowerHex(Sha256(token)); }

bool HasTokenShape(std::string_view token, std::string_view prefix) {
  if (token.size() != prefix.size() + kEncodedChars || token.substr(0, prefix.size()) != prefix) return false;
  for (char c : token.substr(prefix.size())) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool SecretEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rt::identity
