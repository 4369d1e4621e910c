#include "app/migrate_cmd.h"

#include <cstdio>

#include "app/platform_db.h"
#include "store/migrator.h"

namespace rt::app {
namespace {

int Fail(const Error& e) {
  std::fprintf(stderr, "realtime migrate: %s\n", e.message.c_str());
  return 1;
}

}  // namespace

int RunMigrate(const Config& config, const std::string& action) {
  if (action != "latest" && action != "status" && action != "rollback") {
    std::fprintf(stderr, "realtime migrate: unknown action '%s' (expected latest, status or rollback)\n",
                 action.c_str());
    return 2;
  }
  auto db = OpenPlatformDb(config);
  if (!db.ok()) return Fail(db.error());
  store::Migrator migrator(**db);
  std::printf("database: %s\n", (*db)->Describe().c_str());
  if (action == "latest") {
    auto applied = migrator.Latest();
    if (!applied.ok()) return Fail(applied.error());
    if (applied->empty()) std::printf("Already up to date\n");
    for (const auto& n : *applied) std::printf("applied  %s\n", n.c_str());
    return 0;
  }
  if (action == "rollback") {
    auto reverted = migrator.Rollback();
    if (!reverted.ok()) return Fail(reverted.error());
    if (reverted->empty()) std::printf("Nothing to roll back\n");
    for (const auto& n : *reverted) std::printf("reverted %s\n", n.c_str());
    return 0;
  }
  auto status = migrator.States();
  if (!status.ok()) return Fail(status.error());
  int pending = 0;
  for (const auto& m : *status) {
    if (m.applied) {
      std::printf("applied  %s (batch %lld)\n", m.name.c_str(), static_cast<long long>(m.batch));
    } else {
      std::printf("pending  %s\n", m.name.c_str());
      ++pending;
    }
  }
  std::printf("%d pending\n", pending);
  return 0;
}

}  // namespace rt::app
