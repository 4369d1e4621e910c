// TOTP (RFC 6238) for admin-user MFA, compatible with Google Authenticator, Authy, 1Password and
// `oathtool --totp -b`: HMAC-SHA1, 6 digits, 30-second steps from the Unix epoch, verification
// accepts the current step and one step either side. Plus base32 (RFC 4648, no padding) for the
// shared secret, the otpauth:// provisioning URI, and one-time recovery codes.
//
// Replay: VerifyTotp returns the step the code matched and accepts only steps after
// `after_step`; the caller stores the matched step (users.totp_last_step) so a code, once used,
// cannot be used again, nor can an older one.
//
// Thread safety: pure functions (secret generation uses OpenSSL's thread-safe CSPRNG).
// Failure: malformed input (a code that is not digits, a secret that is not base32) simply does
// not verify; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt::identity {

inline constexpr int kTotpDigits = 6;
inline constexpr int64_t kTotpPeriodS = 30;

// RFC 4648 base32, upper case, no '=' padding.
std::string Base32Encode(std::string_view bytes);
// Case-insensitive; spaces and '=' padding are ignored (authenticator apps show groups).
// nullopt for any other character outside the alphabet or non-zero trailing bits.
std::optional<std::string> Base32Decode(std::string_view text);

// 20 random bytes (160 bits, RFC 4226's recommendation), base32-encoded (32 characters).
std::string NewTotpSecret();

// The code for time step `step` (= unix_seconds / 30) of the raw key, zero-padded to `digits`
// (6..8; RFC 6238's test vectors use 8).
std::string TotpCode(std::string_view key, int64_t step, int digits = kTotpDigits);

// If code (digits only, surrounding spaces ignored) is the code of a step in
// [now/30 - window, now/30 + window] that is > after_step, that step (the latest matching);
// else nullopt. secret_b32 is the base32 secret. Compares in constant time.
std::optional<int64_t> VerifyTotp(std::string_view secret_b32, std::string_view code, int64_t now_s,
                                  int64_t after_step = -1, int window = 1, int digits = kTotpDigits);

// otpauth://totp/<Issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30,
// issuer and account percent-encoded.
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret_b32);

// Recovery codes: `count` codes of 16 base32 characters in groups of four, lower case
// ("abcd-efgh-ijkl-mnop", 80 bits). Shown to the user once; only hashes are stored.
std::vector<std::string> NewRecoveryCodes(int count = 10);
// The canonical form (lower case, dashes and spaces removed), so "ABCD EFGH..." matches.
std::string NormalizeRecoveryCode(std::string_view code);
// Hex SHA-256 of the canonical form. High-entropy codes need no slow hash.
std::string HashRecoveryCode(std::string_view code);

}  // namespace rt::identity
