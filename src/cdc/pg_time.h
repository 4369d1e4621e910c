// PostgreSQL timestamps (ISO DateStyle text output) as ISO 8601 strings.
//   timestamptz "2024-01-02 03:04:05.123456+05:30" -> "2024-01-01T21:34:05.123456Z" (any offset,
//               including seconds "+00:09:21", is applied; the result is always UTC)
//   timestamp   "2024-01-02 03:04:05.5"            -> "2024-01-02T03:04:05.5"
// The fractional seconds are kept digit for digit.
//
// Thread safety: pure. Failure: std::nullopt when the text is not in that form (other DateStyles,
// " BC", "infinity") or the year (after conversion to UTC) is outside 0001-9999; the caller then
// keeps the text as sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt::cdc {

std::optional<std::string> IsoTimestampTz(std::string_view text);
std::optional<std::string> IsoTimestamp(std::string_view text);

}  // namespace rt::cdc
