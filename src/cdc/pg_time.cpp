#include "cdc/pg_time.h"

#include <cstdint>
#include <cstdio>

#include "core/civil_time.h"

namespace rt::cdc {
namespace {

struct DateTime {
  int64_t year = 0;
  int64_t month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string_view fraction;  // ".123456" or empty
};

// Between min and max decimal digits at s[i...]; advances i.
bool Digits(std::string_view s, size_t& i, size_t min, size_t max, int64_t& out) {
  size_t start = i;
  out = 0;
  while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') out = out * 10 + (s[i++] - '0');
  return i - start >= min;
}

bool Char(std::string_view s, size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" at the start of s; i is left after it.
bool ReadDateTime(std::string_view s, size_t& i, DateTime& dt) {
  if (!Digits(s, i, 4, 4, dt.year) || !Char(s, i, '-') || !Digits(s, i, 2, 2, dt.month) || !Char(s, i, '-') ||
      !Digits(s, i, 2, 2, dt.day) || !Char(s, i, ' ') || !Digits(s, i, 2, 2, dt.hour) || !Char(s, i, ':') ||
      !Digits(s, i, 2, 2, dt.minute) || !Char(s, i, ':') || !Digits(s, i, 2, 2, dt.second)) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    size_t start = i++;
    int64_t ignored = 0;
    if (!Digits(s, i, 1, 9, ignored)) return false;
    dt.fraction = s.substr(start, i - start);
  }
  return dt.year >= 1 && dt.month >= 1 && dt.month <= 12 && dt.day >= 1 && dt.day <= 31 && dt.hour <= 24 &&
         dt.minute <= 59 && dt.second <= 60;
}

void CivilFromDays(int64_t z, DateTime& dt) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  dt.day = doy - (153 * mp + 2) / 5 + 1;
  dt.month = mp < 10 ? mp + 3 : mp - 9;
  dt.year = yoe + era * 400 + (dt.month <= 2);
}

std::string Format(const DateTime& dt, std::string_view zone) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(dt.year), static_cast<int>(dt.month),
                static_cast<int>(dt.day), static_cast<int>(dt.hour), static_cast<int>(dt.minute),
                static_cast<int>(dt.second));
  std::string out(buf);
  out.append(dt.fraction);
  out.append(zone);
  return out;
}

}  // namespace

std::optional<std::string> IsoTimestamp(std::string_view text) {
  DateTime dt;
  size_t i = 0;
  if (!ReadDateTime(text, i, dt) || i != text.size()) return std::nullopt;
  return Format(dt, "");
}

std::optional<std::string> IsoTimestampTz(std::string_view text) {
  DateTime dt;
  size_t i = 0;
  if (!ReadDateTime(text, i, dt) || i >= text.size() || (text[i] != '+' && text[i] != '-')) return std::nullopt;
  const int64_t sign = text[i++] == '-' ? -1 : 1;
  int64_t oh = 0, om = 0, os = 0;
  if (!Digits(text, i, 2, 2, oh)) return std::nullopt;
  if (Char(text, i, ':') && !Digits(text, i, 2, 2, om)) return std::nullopt;
  if (Char(text, i, ':') && !Digits(text, i, 2, 2, os)) return std::nullopt;
  if (i != text.size() || om > 59 || os > 59) return std::nullopt;

  int64_t secs = DaysFromCivil(dt.year, dt.month, dt.day) * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second -
                 sign * (oh * 3600 + om * 60 + os);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  CivilFromDays(days, dt);
  dt.hour = rem / 3600;
  dt.minute = rem / 60 % 60;
  dt.second = rem % 60;
  if (dt.year < 1 || dt.year > 9999) return std::nullopt;
  return Format(dt, "Z");
}

}  // namespace rt::cdc
