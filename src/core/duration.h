// Durations written by people: "90" (seconds), "45s", "30m", "1h", "7d". Used by token lifetimes
// (expiresIn, `realtime token --ttl`), configuration (REALTIME_SESSION_TTL, …) and query
// parameters (?window=). Thread safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rt {

// The duration in seconds; nullopt when malformed, not positive or overflowing.
std::optional<int64_t> ParseDurationSeconds(std::string_view text);

}  // namespace rt
