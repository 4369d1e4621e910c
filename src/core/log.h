// Structured logging: one JSON object per line on stdout, {"level","time","msg",...fields}.
// `time` is milliseconds since the epoch (as pino writes it).
//
// Thread safety: every function may be called from any thread; lines never interleave.
// Init may be called again (tests) and replaces the level.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "core/config.h"

namespace rt::log {

struct Field {
  std::string_view key;
  std::variant<std::string_view, int64_t, double, bool> value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, int v) : key(k), value(int64_t{v}) {}
  Field(std::string_view k, int64_t v) : key(k), value(v) {}
  Field(std::string_view k, uint64_t v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

void Init(LogLevel level);
bool Enabled(LogLevel level);
void Write(LogLevel level, std::string_view msg, std::initializer_list<Field> fields = {});

// Formats one line without writing it (exposed for tests).
std::string Format(LogLevel level, int64_t time_ms, std::string_view msg, std::initializer_list<Field> fields);

inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) { Write(LogLevel::kDebug, m, f); }
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) { Write(LogLevel::kInfo, m, f); }
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) { Write(LogLevel::kWarn, m, f); }
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) { Write(LogLevel::kError, m, f); }

}  // namespace rt::log
