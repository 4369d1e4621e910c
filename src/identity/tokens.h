// Opaque bearer secrets of the identity layer. Each is a prefix plus 256 random bits from
// OpenSSL's CSPRNG in base64url (43 characters):
//   sess_...    a login session (Authorization: Bearer sess_... / X-Session-Token)
//   mfa_...     the short-lived token between the password step and the TOTP step of a login
//   invite_...  an invitation link (7 days)
//   reset_...   a password-reset link (1 hour)
// Only TokenHash (lower-case hex SHA-256) is ever stored: a database leak yields no usable
// token. 256-bit random inputs need no salt or slow hash. Lookups go by hash (an index), and
// SecretEquals compares in constant time where a stored value is compared directly.
//
// Thread safety: pure functions. Failure: NewToken aborts the process through an exception only
// if the CSPRNG cannot produce bytes (unrecoverable); nothing else fails.
#pragma once

#include <string>
#include <string_view>

namespace rt::identity {

inline constexpr std::string_view kSessionPrefix = "sess_";
inline constexpr std::string_view kMfaPrefix = "mfa_";
inline constexpr std::string_view kInvitePrefix = "invite_";
inline constexpr std::string_view kResetPrefix = "reset_";

// prefix + base64url(32 random bytes).
std::string NewToken(std::string_view prefix);
// Lower-case hex SHA-256 of the whole token (prefix included), 64 characters.
std::string TokenHash(std::string_view token);
// True if token starts with prefix and has the shape NewToken produces (before any lookup).
bool HasTokenShape(std::string_view token, std::string_view prefix);
// Constant-time equality (length is not secret).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace rt::identity
