#include "core/duration.h"

#include <charconv>
#include <cstdint>

namespace rt {

std::optional<int64_t> ParseDurationSeconds(std::string_view text) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n <= 0) return std::nullopt;
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  int64_t mult = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (mult == 0 || n > INT64_MAX / mult) return std::nullopt;
  return n * mult;
}

}  // namespace rt
