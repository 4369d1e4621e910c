#include "monitor/cluster_windows.h"

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"

namespace rt::monitor {

ClusterWindows::ClusterWindows(std::unique_ptr<broker::RedisPool> pool, std::chrono::milliseconds max_age)
    : pool_(std::move(pool)), max_age_(max_age) {}

ClusterWindows::~ClusterWindows() = default;

std::vector<DashboardWindow> ClusterWindows::Exchange(const DashboardWindow& mine) {
  std::vector<DashboardWindow> out{mine};
  if (!pool_) return out;
  auto replies = pool_->Pipeline({{"HSET", kKey, mine.instance, json::Serialize(WindowToJson(mine))}, {"HGETALL", kKey}});
  if (!replies.ok() || replies->size() != 2 || (*replies)[1].type != broker::RespReply::Type::kArray) {
    if (!down_)
      log::Warn("cluster metrics unavailable: the dashboard shows this instance only",
                {{"error", replies.ok() ? std::string("unexpected reply") : replies.error().message}});
    down_ = true;
    return out;
  }
  if (down_) log::Info("cluster metrics available again");
  down_ = false;
  const int64_t now = NowMs();
  std::vector<std::string> gone;
  const auto& fields = (*replies)[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& instance = fields[i].str;
    if (instance == mine.instance) continue;
    DashboardWindow w;
    auto parsed = json::Parse(fields[i + 1].str);
    if (!parsed.ok() || !WindowFromJson(*parsed, &w)) {
      gone.push_back(instance);
      continue;
    }
    const int64_t age = now - w.at;
    if (age > 10 * max_age_.count()) gone.push_back(instance);
    if (age > max_age_.count()) continue;
    out.push_back(std::move(w));
  }
  if (!gone.empty()) {
    std::vector<std::string> del{"HDEL", kKey};
    del.insert(del.end(), gone.begin(), gone.end());
    (void)pool_->Command(del);
  }
  return out;
}

void ClusterWindows::Leave(const std::string& instance) {
  if (pool_) (void)pool_->Command({"HDEL", kKey, instance});
}

}  // namespace rt::monitor
