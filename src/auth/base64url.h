// Base64url without padding (RFC 4648 §5), as JWS uses. Decode rejects padding, whitespace and
// characters outside the alphabet. Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt::auth {

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace rt::auth
