#include "core/log.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/json.h"

namespace rt::log {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stdout_logger_mt("realtime");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

}  // namespace

void Init(LogLevel level) {
  g_level.store(static_cast<int>(level));
  (void)Logger();
}

bool Enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

std::string Format(LogLevel level, int64_t time_ms, std::string_view msg, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(96 + msg.size());
  line += "{\"level\":\"";
  line += LogLevelName(level);
  line += "\",\"time\":";
  line += std::to_string(time_ms);
  line += ",\"msg\":";
  json::AppendQuoted(line, msg);
  for (const Field& f : fields) {
    line += ',';
    json::AppendQuoted(line, f.key);
    line += ':';
    std::visit(
        [&line](auto&& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>) {
            json::AppendQuoted(line, v);
          } else if constexpr (std::is_same_v<V, bool>) {
            line += v ? "true" : "false";
          } else if constexpr (std::is_same_v<V, double>) {
            json::AppendNumber(line, v);
          } else {
            line += std::to_string(v);
          }
        },
        f.value);
  }
  line += '}';
  return line;
}

void Write(LogLevel level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  Logger().info(Format(level, now, msg, fields));
}

}  // namespace rt::log
