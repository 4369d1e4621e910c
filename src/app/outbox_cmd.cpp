#include "app/outbox_cmd.h"

#include <libpq-fe.h>

#include <cstdio>

#include "app/platform.h"
#include "cdc/outbox.h"
#include "registry/secrets.h"

namespace rt::app {

int RunOutbox(const Config& config, const std::vector<std::string>& args) {
  std::string app_id, env;
  if (args.empty() || args[0] != "install") {
    std::fprintf(stderr, "realtime: usage: realtime outbox install --app ID --env ENV\n");
    return 2;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "--app" || args[i] == "--env") && i + 1 < args.size()) {
      (args[i] == "--app" ? app_id : env) = args[i + 1];
      ++i;
    } else {
      std::fprintf(stderr, "realtime: outbox install: unexpected argument '%s'\n", args[i].c_str());
      return 2;
    }
  }
  if (app_id.empty() || env.empty()) {
    std::fprintf(stderr, "realtime: usage: realtime outbox install --app ID --env ENV\n");
    return 2;
  }
  auto platform = Platform::Open(config);
  if (!platform.ok()) {
    std::fprintf(stderr, "realtime: cannot open the platform database: %s\n", platform.error().message.c_str());
    return 1;
  }
  if (Status st = (*platform)->Initialize(); !st.ok()) {
    std::fprintf(stderr, "realtime: %s\n", st.error().message.c_str());
    return 1;
  }
  auto app = (*platform)->apps.Get(app_id);
  if (!app.ok()) {
    std::fprintf(stderr, "realtime: %s\n", app.error().message.c_str());
    return 2;
  }
  std::string url;
  if (const auto* cdc = app->config.if_contains("cdc"); cdc && cdc->is_object())
    if (const auto* u = cdc->get_object().if_contains(env); u && u->is_string()) url = std::string(u->get_string());
  if (url.empty() && app_id == "default") url = config.cdc_database_url;
  if (url.empty()) {
    std::fprintf(stderr,
                 "realtime: No CDC database configured for application %s, environment %s (set config.cdc.%s)\n",
                 app_id.c_str(), env.c_str(), env.c_str());
    return 2;
  }
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "realtime: cannot connect to %s: %s", registry::MaskUrlPassword(url).c_str(), PQerrorMessage(c));
    PQfinish(c);
    return 1;
  }
  PGresult* r = PQexec(c, cdc::kOutboxDdl);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) std::fprintf(stderr, "realtime: outbox install failed: %s", PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
  if (!ok) return 1;
  std::printf("event_outbox installed in %s\n", registry::MaskUrlPassword(url).c_str());
  return 0;
}

}  // namespace rt::app
