// Identifiers: prefixed random ids such as app_3f9c2a1b7d4e8f60 (64 random bits, hex), and
// cryptographically random secrets for keys and tokens.
//
// Thread safety: all functions may be called from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rt {

// prefix + "_" + 16 hex characters from a per-thread generator seeded from the OS.
std::string NewId(std::string_view prefix);

// 20 URL-safe random characters (120 bits), the shape of Socket.IO/Engine.IO ids.
std::string NewSocketId();

// n random bytes from OpenSSL's CSPRNG, hex-encoded (2n characters).
std::string RandomHex(size_t n_bytes);

// Milliseconds since the Unix epoch (wall clock).
int64_t NowMs();

}  // namespace rt
