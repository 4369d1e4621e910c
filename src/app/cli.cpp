#include "app/cli.h"

#include <cstdio>
#include <string>
#include <vector>

#include "app/config_cmd.h"
#include "app/migrate_cmd.h"
#include "app/outbox_cmd.h"
#include "app/user_cmd.h"
#include "app/serve.h"
#include "app/token_cmd.h"
#include "core/config.h"
#include "core/dotenv.h"
#include "core/log.h"
#include "net/cors.h"

#ifndef REALTIME_VERSION
#define REALTIME_VERSION "0.0.0"
#endif

namespace rt::app {
namespace {

constexpr const char* kUsage =
    "Usage: realtime [command]\n"
    "\n"
    "Commands:\n"
    "  serve                         run the server (default): REST, WebSockets, workers\n"
    "  worker                        run the background workers only\n"
    "  migrate latest|status|rollback  manage platform-database migrations\n"
    "  token --app ID --permissions a,b [--sub S] [--ttl 1h] [--topics p,q] [--env E]\n"
    "                                print a signed JWT (bootstrap for scripts)\n"
    "  outbox install --app ID --env ENV\n"
    "                                create event_outbox in the application's CDC target database\n"
    "  user create --email E [--name N] [--role R]\n"
    "                                create an admin user (password on stdin; R default super_admin)\n"
    "  config export [--env E] [--out FILE]\n"
    "  config import FILE [--env E] [--dry-run] [--no-prune]\n"
    "                                config as code against a running server (--url, --token, --app;\n"
    "                                or REALTIME_URL, REALTIME_TOKEN, REALTIME_APP)\n"
    "  version                       print the version\n"
    "  --help                        show this help\n"
    "\n"
    "Configuration comes from the environment (and ./.env if present): NODE_ENV, PORT,\n"
    "LOG_LEVEL, DATABASE_URL or POSTGRES_*, REDIS_URL, JWT_SECRET, SYNC_DOC_TTL_SECONDS,\n"
    "CDC_DATABASE_URL, CDC_POLL_INTERVAL_MS, CDC_SLOT_NAME, REALTIME_DATA_DIR, REALTIME_THREADS.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "realtime: %s\n%s", message.c_str(), kUsage);
  return 2;
}

// Loads the environment (+ .env) into a validated Config; prints one line and returns false on error.
bool LoadValidatedConfig(Config& out) {
  EnvMap env = ProcessEnv();
  std::string env_file = env.count("REALTIME_ENV_FILE") ? env["REALTIME_ENV_FILE"] : ".env";
  if (Status st = MergeDotEnvFile(env_file, env); !st.ok()) {
    std::fprintf(stderr, "realtime: invalid configuration: %s\n", st.error().message.c_str());
    return false;
  }
  auto config = LoadConfig(env);
  if (!config.ok()) {
    std::fprintf(stderr, "realtime: invalid configuration: %s\n", config.error().message.c_str());
    return false;
  }
  if (auto cors = net::CorsPolicy::Parse(config->cors_origins); !cors.ok()) {
    std::fprintf(stderr, "realtime: invalid configuration: %s\n", cors.error().message.c_str());
    return false;
  }
  out = std::move(*config);
  log::Init(out.log_level);
  return true;
}

}  // namespace

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string cmd = args.empty() ? "serve" : args[0];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "version" || cmd == "--version") {
    std::printf("realtime %s\n", REALTIME_VERSION);
    return 0;
  }
  if (cmd != "serve" && cmd != "worker" && cmd != "migrate" && cmd != "token" && cmd != "outbox" &&
      cmd != "user" && cmd != "config")
    return UsageError("unknown command '" + cmd + "'");
  if ((cmd == "serve" || cmd == "worker") && args.size() > 1) return UsageError("unexpected argument '" + args[1] + "'");

  Config config;
  if (!LoadValidatedConfig(config)) return 2;
  if (cmd == "serve") return RunServe(config);
  if (cmd == "worker") return RunWorker(config);
  if (cmd == "token") return RunToken(config, std::vector<std::string>(args.begin() + 1, args.end()));
  if (cmd == "outbox") return RunOutbox(config, std::vector<std::string>(args.begin() + 1, args.end()));
  if (cmd == "config") return RunConfigCommand(config, std::vector<std::string>(args.begin() + 1, args.end()));
  if (cmd == "user") return RunUser(config, std::vector<std::string>(args.begin() + 1, args.end()));
  if (args.size() != 2) return UsageError("migrate needs exactly one of: latest, status, rollback");
  return RunMigrate(config, args[1]);
}

}  // namespace rt::app
