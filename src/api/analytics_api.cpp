#include "api/analytics_api.h"

#include <algorithm>
#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/body.h"
#include "core/civil_time.h"
#include "core/ids.h"
#include "monitor/analytics.h"
#include "monitor/percentiles.h"
#include "registry/service_registry.h"

namespace rt::api {
namespace {

constexpr int64_t kDayMs = 86400LL * 1000;
constexpr int64_t kMaxMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

// A reader of fixed-width fields.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool Digits(size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  }
  bool Lit(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  bool AtEnd() const { return i == s.size(); }
};

Result<int64_t> TimeQuery(const net::HttpRequest& req, const char* name, int64_t fallback) {
  const std::string* v = req.Query(name);
  if (v == nullptr || v->empty()) return fallback;
  auto ms = ParseTimeMs(*v);
  if (!ms) return Error::Validation(std::string(name) + " must be an ISO-8601 time or ms since the epoch");
  return *ms;
}

boost::json::value Percentile(const monitor::LatencyBuckets& b, bool any, double q) {
  if (!any) return nullptr;
  return monitor::QuantileMs(b, q);
}

boost::json::object RowJson(const store::AnalyticsRow& r) {
  monitor::LatencyBuckets b{};
  bool any = false;
  for (size_t i = 0; i < b.size() && i < r.latency.size(); ++i) {
    b[i] = r.latency[i] > 0 ? static_cast<uint64_t>(r.latency[i]) : 0;
    any = any || b[i] > 0;
  }
  return {{"topic", r.topic},
          {"window", monitor::WindowLabel(std::chrono::seconds((r.window_end - r.window_start) / 1000))},
          {"count", r.count},
          {"startTime", r.window_start},  // ms since epoch, as every API
          {"endTime", r.window_end},
          {"bySource", {{"database", r.count_database}, {"sync", r.count_sync}, {"socket", r.count_socket}}},
          {"latencyP50", Percentile(b, any, 0.50)},
          {"latencyP95", Percentile(b, any, 0.95)},
          {"latencyP99", Percentile(b, any, 0.99)}};
}

}  // namespace

std::optional<int64_t> ParseTimeMs(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size() || ms > kMaxMs) return std::nullopt;
    return ms;
  }
  Cursor c{text};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!c.Digits(4, y) || !c.Lit('-') || !c.Digits(2, mo) || !c.Lit('-') || !c.Digits(2, d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return std::nullopt;
  int64_t offset_min = 0;
  if (!c.AtEnd()) {
    if (!c.Lit('T') && !c.Lit('t')) return std::nullopt;
    if (!c.Digits(2, h) || !c.Lit(':') || !c.Digits(2, mi)) return std::nullopt;
    if (c.Lit(':')) {
      if (!c.Digits(2, sec)) return std::nullopt;
      if (c.Lit('.')) {
        size_t digits = 0;
        for (int digit = 0; c.Digits(1, digit); ++digits)
          if (digits < 3) ms = ms * 10 + digit;
        if (digits == 0) return std::nullopt;
        for (; digits < 3; ++digits) ms *= 10;
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    if (!c.Lit('Z') && !c.Lit('z') && !c.AtEnd()) {
      int sign = 0;
      if (c.Lit('+') || c.Lit(' ')) sign = 1;
      else if (c.Lit('-')) sign = -1;
      int oh = 0, om = 0;
      if (sign == 0 || !c.Digits(2, oh)) return std::nullopt;
      c.Lit(':');
      if (!c.Digits(2, om) || oh > 23 || om > 59) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    }
    if (!c.AtEnd()) return std::nullopt;
  }
  const int64_t out = (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60) * 1000 + ms;
  if (out < 0 || out > kMaxMs) return std::nullopt;
  return out;
}

void RegisterAnalyticsRoutes(net::Router& router, store::AnalyticsRepository& repo, std::chrono::seconds window) {
  router.Add("GET", "/api/metrics/analytics", net::Access::Need("admin", "metrics", "read"),
             [&repo, label = monitor::WindowLabel(window)](net::HttpRequest& req) {
               const int64_t now = NowMs();
               auto to = TimeQuery(req, "to", now);
               if (!to.ok()) return ErrorResponse(to.error());
               auto from = TimeQuery(req, "from", *to - kDayMs);
               if (!from.ok()) return ErrorResponse(from.error());
               if (*from > *to) return ErrorResponse(Error::Validation("from must not be after to"));
               auto limit = IntQuery(req, "limit", 1000, 1, 10000);
               if (!limit.ok()) return ErrorResponse(limit.error());
               const std::string topic = StrQuery(req, "topic");
               auto rows = repo.Query(topic.empty() ? std::nullopt : std::optional<std::string>(topic), *from, *to,
                                      static_cast<int>(*limit));
               if (!rows.ok()) return ErrorResponse(rows.error());
               boost::json::array data;
               data.reserve(rows->size());
               for (const auto& r : *rows) data.push_back(RowJson(r));
               boost::json::object out{{"window", label}, {"data", std::move(data)}};
               return JsonResponse(200, json::Serialize(out));
             });
}

}  // namespace rt::api
