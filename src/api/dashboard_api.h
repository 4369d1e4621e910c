// GET /api/metrics/dashboard (spec/26: {delivery, pipeline, reliability}, plus the instances),
// GET /api/metrics/hot-topics?limit= (spec/26: the busiest topics, default 10, at most 100) and
// GET /api/metrics/history?window=15m (the dashboards' charts: the tick samples of the window,
// at most an hour). The numbers come from app/dashboard.h through the callbacks.
// Access: an admin token, or a session with metrics:read (docs/security.md).
//
// Thread safety: the callbacks are called from the blocking pool, concurrently.
#pragma once

#include <chrono>
#include <functional>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "net/router.h"

namespace rt::api {

struct DashboardSource {
  std::function<boost::json::object()> latest;
  std::function<boost::json::array(size_t limit)> hot_topics;
  std::function<boost::json::array(std::chrono::milliseconds window)> history;
  std::chrono::milliseconds tick;
};

void RegisterDashboardRoutes(net::Router& router, DashboardSource source);

}  // namespace rt::api
