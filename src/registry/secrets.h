// Secrets in stored configuration (DESIGN.md §4: never leave the server unmasked).
//
// MaskUrlPassword: "postgresql://app:pw@host/db" -> "postgresql://app:****@host/db"; a string
// without credentials is returned unchanged. RedactSecrets walks a JSON value and masks, in
// place, the password of every URL-looking string and the whole value of every member whose
// name says it is a secret (secret, password, token, apiKey, ...: IsSecretKey).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace rt::registry {

inline constexpr const char* kMask = "****";

std::string MaskUrlPassword(std::string_view url);
bool IsSecretKey(std::string_view member_name);
void RedactSecrets(boost::json::value& v);

}  // namespace rt::registry
