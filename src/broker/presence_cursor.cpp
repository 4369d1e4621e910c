// The member order key and the opaque member cursor of broker/presence.h.
#include <algorithm>
#include <cstdio>

#include "broker/presence.h"
#include "core/encoding.h"

namespace rt::broker {

namespace {
constexpr size_t kDigits = 20;  // a non-negative int64 has at most 19 digits
}

std::string MemberOrderKey(int64_t joined_at, std::string_view socket_id) {
  char digits[kDigits + 2];
  std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(std::max<int64_t>(joined_at, 0)));
  std::string key(digits, kDigits);
  key += '\t';
  key += socket_id;
  return key;
}

std::string EncodeMemberCursor(const PresenceMember& m) { return LowerHex(MemberOrderKey(m.joined_at, m.socket_id)); }

std::optional<std::string> DecodeMemberCursor(std::string_view cursor) {
  if (cursor.size() > 1024) return std::nullopt;
  auto key = HexDecode(cursor);
  if (!key || key->size() <= kDigits + 1 || (*key)[kDigits] != '\t') return std::nullopt;
  if (!std::all_of(key->begin(), key->begin() + kDigits, [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return key;
}

}  // namespace rt::broker
