#include "identity/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>

#include "core/encoding.h"

namespace rt::identity {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // no entropy: unrecoverable
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int64_t Pow10(int digits) {
  int64_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '=') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      return std::nullopt;
    }
    buffer = ((buffer << 5) | static_cast<uint32_t>(v)) & 0xFFFF;
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // leftover must be zero padding
  return out;
}

std::string NewTotpSecret() { return Base32Encode(RandomBytes(20)); }

std::string TotpCode(std::string_view key, int64_t step, int digits) {
  std::array<unsigned char, 8> counter{};
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<size_t>(i)] = static_cast<unsigned char>(step & 0xFF);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), counter.data(), counter.size(), mac, &mac_len);
  // Dynamic truncation (RFC 4226 §5.3).
  size_t offset = mac[mac_len - 1] & 0x0F;
  uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) | (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                 (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(static_cast<int64_t>(bin) % Pow10(digits));
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::optional<int64_t> VerifyTotp(std::string_view secret_b32, std::string_view code, int64_t now_s,
                                  int64_t after_step, int window, int digits) {
  while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
  while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
  if (code.size() != static_cast<size_t>(digits)) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto key = Base32Decode(secret_b32);
  if (!key || key->empty()) return std::nullopt;
  int64_t now_step = now_s / kTotpPeriodS;
  std::optional<int64_t> matched;
  // Every candidate is computed and compared, so timing does not tell which step matched.
  for (int64_t step = now_step - window; step <= now_step + window; ++step) {
    std::string expected = TotpCode(*key, step, digits);
    bool equal = CRYPTO_memcmp(expected.data(), code.data(), code.size()) == 0;
    if (equal && step > after_step) matched = step;
  }
  OPENSSL_cleanse(key->data(), key->size());
  return matched;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret_b32) {
  std::string iss = PercentEncode(issuer);
  return "otpauth://totp/" + iss + ":" + PercentEncode(account) + "?secret=" + std::string(secret_b32) +
         "&issuer=" + iss + "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpPeriodS);
}

std::vector<std::string> NewRecoveryCodes(int count) {
  std::vector<std::string> codes;
  for (int i = 0; i < count; ++i) {
    std::string raw = Base32Encode(RandomBytes(10));  // 80 bits -> 16 characters
    std::string code;
    for (size_t j = 0; j < raw.size(); ++j) {
      if (j && j % 4 == 0) code += '-';
      code += static_cast<char>(std::tolower(static_cast<unsigned char>(raw[j])));
    }
    codes.push_back(code);
  }
  return codes;
}

std::string NormalizeRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string HashRecoveryCode(std::string_view code) { return LowerHex(Sha256(NormalizeRecoveryCode(code))); }

}  // namespace rt::identity
