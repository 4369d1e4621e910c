#include "identity/password.h"

#include <crypt.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

namespace rt::identity {
namespace {

constexpr std::string_view kBcryptPrefix = "$2b$";

bool FitsBcrypt(std::string_view password) {
  return password.size() <= kBcryptMaxBytes && password.find('\0') == std::string_view::npos;
}

// crypt_r of password with setting (a salt or a full hash); empty on failure. crypt_data is
// ~32 KiB, so it lives on the heap.
std::string Crypt(std::string_view password, const std::string& setting) {
  auto data = std::make_unique<crypt_data>();
  std::string pw(password);
  const char* out = crypt_r(pw.c_str(), setting.c_str(), data.get());
  OPENSSL_cleanse(pw.data(), pw.size());
  std::string result = out && out[0] != '*' ? std::string(out) : std::string();
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return result;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, int cost) {
  if (!FitsBcrypt(password)) return Error::Validation("Password must be at most 72 bytes and contain no NUL");
  if (cost < 4 || cost > 31) return Error::Validation("bcrypt cost must be 4..31");
  // NULL random bytes: libxcrypt draws the salt from the OS (getrandom).
  char* salt = crypt_gensalt_ra(kBcryptPrefix.data(), static_cast<unsigned long>(cost), nullptr, 0);
  if (!salt) return Error::Internal("crypt_gensalt_ra failed");
  std::string setting(salt);
  std::free(salt);
  std::string hash = Crypt(password, setting);
  if (hash.rfind(kBcryptPrefix, 0) != 0) return Error::Internal("bcrypt hashing failed");
  return hash;
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  if (hash.size() != 60 || hash.substr(0, 4) != kBcryptPrefix) return false;
  if (!FitsBcrypt(password)) return false;
  std::string computed = Crypt(password, std::string(hash));
  if (computed.size() != hash.size()) return false;
  return CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
}

bool VerifyAgainstDummy(std::string_view password, int cost) {
  // A valid hash of a random value, made once per cost and reused; never matches in practice.
  static std::mutex mu;
  static std::vector<std::string> dummies(32);
  std::string dummy;
  {
    std::lock_guard lock(mu);
    size_t i = static_cast<size_t>(std::clamp(cost, 4, 31));
    if (dummies[i].empty()) {
      auto h = HashPassword("dummy-password-for-timing-only", static_cast<int>(i));
      if (h.ok()) dummies[i] = *h;
    }
    dummy = dummies[i];
  }
  (void)VerifyPassword(FitsBcrypt(password) ? password : std::string_view("x"), dummy);
  return false;
}

Status PasswordPolicy::Check(std::string_view password, std::string_view email) const {
  std::vector<std::string> failed;
  size_t max = std::min(max_bytes, kBcryptMaxBytes);
  if (CodePoints(password) < min_chars) failed.push_back("at least " + std::to_string(min_chars) + " characters");
  if (password.size() > max) failed.push_back("at most " + std::to_string(max) + " bytes");
  if (password.find('\0') != std::string_view::npos) failed.push_back("no NUL characters");
  if (reject_all_same && !password.empty() &&
      std::all_of(password.begin(), password.end(), [&](char c) { return c == password[0]; })) {
    failed.push_back("not one character repeated");
  }
  if (reject_email && !email.empty() && EqualsIgnoreCase(password, email)) failed.push_back("not the email address");
  if (failed.empty()) return Ok();
  std::string msg = "Password does not meet the policy: ";
  for (size_t i = 0; i < failed.size(); ++i) msg += (i ? "; " : "") + failed[i];
  return Error::Validation(msg);
}

}  // namespace rt::identity
