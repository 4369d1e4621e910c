// The socket monitor's connection list over every instance (see socket_api.h).
#include <algorithm>

#include "api/socket_api.h"
#include "core/json.h"

namespace rt::api {
namespace {

constexpr const char* kDetailsQuestion = "socket.connections";

}  // namespace

void ServeConnectionDetailsQuestions(broker::ClusterRpc& cluster, const monitor::SocketJournal& journal) {
  cluster.Handle(kDetailsQuestion, [&journal](const Scope& scope, const std::string& body) {
    auto q = json::Parse(body);
    int64_t limit = 1000;
    if (q.ok() && q->is_object())
      if (const auto* v = q->get_object().if_contains("limit"); v && v->is_int64()) limit = v->as_int64();
    auto mine = LocalConnectionDetails(journal, scope, static_cast<size_t>(std::clamp<int64_t>(limit, 1, 10000)));
    return json::Serialize(mine.connections);
  });
}

CollectConnections ClusterConnectionDetails(broker::ClusterRpc& cluster, std::chrono::milliseconds timeout) {
  return [&cluster, timeout](const Scope& scope, size_t limit) -> Result<ConnectionDetails> {
    auto answers = cluster.Ask(scope, kDetailsQuestion,
                               json::Serialize(boost::json::object{{"limit", static_cast<int64_t>(limit)}}), timeout);
    ConnectionDetails out;
    out.partial = answers.partial;
    for (const auto& a : answers.replies) {
      auto rows = json::Parse(a.body);
      if (!rows.ok() || !rows->is_array()) {
        out.partial = true;
        continue;
      }
      for (auto& row : rows->get_array()) {
        if (out.connections.size() >= limit) break;
        out.connections.push_back(std::move(row));
      }
    }
    return out;
  };
}

}  // namespace rt::api
