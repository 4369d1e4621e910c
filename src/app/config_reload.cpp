#include "app/config_reload.h"

#include "core/log.h"

namespace rt::app {
namespace {
constexpr const char* kQuestion = "config.reload";
}

void ServeConfigReload(broker::ClusterRpc& cluster, std::function<Status()> reload) {
  cluster.Handle(kQuestion, [reload = std::move(reload)](const Scope&, const std::string&) -> std::string {
    Status st = reload();
    if (st.ok()) return "ok";
    log::Warn("config reload failed (the 2 s poll retries)", {{"error", st.error().message}});
    return "error: " + st.error().message;
  });
}

boost::json::object ReloadEverywhere(broker::ClusterRpc& cluster, std::chrono::milliseconds timeout) {
  const Scope scope{broker::kControlScope, broker::kControlScope};
  auto answers = cluster.Ask(scope, kQuestion, "", timeout);
  int64_t reloaded = 0;
  for (const auto& a : answers.replies) reloaded += a.body == "ok" ? 1 : 0;
  return boost::json::object{{"instances", static_cast<int64_t>(answers.replies.size())},
                             {"reloaded", reloaded},
                             {"partial", answers.partial}};
}

}  // namespace rt::app
