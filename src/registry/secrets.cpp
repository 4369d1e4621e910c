#include "registry/secrets.h"

#include <algorithm>
#include <cctype>

namespace rt::registry {

std::string MaskUrlPassword(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t auth_begin = scheme + 3;
  size_t auth_end = url.find_first_of("/?#", auth_begin);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  // The last '@' of the authority ends the userinfo (a password may itself contain '@').
  size_t at = url.substr(0, auth_end).rfind('@');
  if (at == std::string_view::npos || at < auth_begin) return std::string(url);
  size_t colon = url.find(':', auth_begin);
  if (colon == std::string_view::npos || colon > at) return std::string(url);  // user only
  std::string out(url.substr(0, colon + 1));
  out += kMask;
  out += url.substr(at);
  return out;
}

bool IsSecretKey(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"secret", "password", "passwd", "token", "apikey", "api_key", "privatekey", "private_key"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

void RedactSecrets(boost::json::value& v) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s.find("://") != std::string_view::npos) v = MaskUrlPassword(s);
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) RedactSecrets(e);
  } else if (v.is_object()) {
    for (auto& kv : v.get_object()) {
      if (IsSecretKey(kv.key()) && (kv.value().is_string() || kv.value().is_number())) kv.value() = kMask;
      else RedactSecrets(kv.value());
    }
  }
}

}  // namespace rt::registry
