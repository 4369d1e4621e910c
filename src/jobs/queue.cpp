#include "jobs/queue.h"

#include <algorithm>

namespace rt::jobs {

std::string ValidateQueueName(std::string_view name) {
  if (name.empty()) return "Queue name must not be empty";
  if (name.size() > 64) return "Queue name must be at most 64 characters";
  auto lower_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_digit(name[0])) return "Queue name must start with a lowercase letter or digit";
  for (char c : name)
    if (!lower_digit(c) && c != '.' && c != '_' && c != '-')
      return "Queue name may only contain lowercase letters, digits, '.', '_' and '-'";
  return {};
}

int64_t BackoffDelayMs(int attempt, int64_t jitter_ms, int64_t base_ms, int64_t max_ms) {
  int shift = std::clamp(attempt - 1, 0, 30);  // 2^30 * base overflows nothing and exceeds any max
  int64_t delay = base_ms * (int64_t{1} << shift) + std::max<int64_t>(jitter_ms, 0);
  return std::min(delay, max_ms);
}

}  // namespace rt::jobs
