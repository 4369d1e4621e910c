#include "app/serve.h"

#include <csignal>

#include "api/auth.h"
#include "api/dispatcher.h"
#include "api/errors.h"
#include "api/routes.h"
#include "api/admin_ui_routes.h"
#include "api/analytics_api.h"
#include "api/dashboard_api.h"
#include "api/debugger_api.h"
#include "api/debugger_explain.h"
#include "api/debugger_traces_api.h"
#include "api/debugger_replay_api.h"
#include "api/database_api.h"
#include "api/deployments_api.h"
#include "api/events_api.h"
#include "api/socket_api.h"
#include "api/services_api.h"
#include "api/status_api.h"
#include "api/sync_api.h"
#include "api/schemas_api.h"
#include "api/topics_api.h"
#include "api/webhooks_api.h"
#include "app/alerts_module.h"
#include "app/dashboard.h"
#include "app/metrics_listener.h"
#include "app/db_init.h"
#include "app/platform.h"
#include "app/platform_db.h"
#include "app/identity_module.h"
#include "app/metrics_text.h"
#include "app/pipeline.h"
#include "app/realtime_core.h"
#include "app/sync_module.h"
#include "app/workers_module.h"
#include "app/cdc_module.h"
#include "app/config_reload.h"
#include "deploy/deployment_service.h"
#include "broker/redis_probe.h"
#include "cdc/mapping_service.h"
#include "core/ids.h"
#include "identity/tokens.h"
#include "core/log.h"
#include "core/thread_pool.h"
#include "monitor/analytics.h"
#include "monitor/trace_recorder.h"
#include "net/http_server.h"

namespace rt::app {
namespace {

// Blocks SIGINT/SIGTERM in every thread (call before starting any) and returns the set.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

int WaitForSignal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

std::vector<api::ReadinessCheck> ReadinessChecks(const Config& config, DbInit& db_init) {
  std::vector<api::ReadinessCheck> checks;
  checks.push_back({"database", [&db_init] { return db_init.Check(); },
                    config.uses_postgres() ? "postgresql" : "sqlite"});
  if (!config.redis_url.empty()) {
    checks.push_back({"redis", [url = config.redis_url] { return broker::PingRedis(url); }, "redis"});
  }
  return checks;
}

monitor::TraceOptions TraceOptionsFor(const Config& c, std::string instance, const registry::SchemaGate& gate) {
  monitor::TraceOptions o;
  o.instance = std::move(instance);
  o.schema_version = [&gate](const Scope& scope, std::string_view topic) { return gate.ActiveVersion(scope, topic); };
  o.sample = c.trace_sample;
  o.retention = std::chrono::seconds(c.trace_retention_s);
  o.max_traces = c.trace_max;
  o.prune_interval = std::chrono::milliseconds(c.trace_prune_interval_ms);
  return o;
}

}  // namespace

net::HttpServerOptions HttpOptions(const Config& c) {
  net::HttpServerOptions o;
  o.host = c.host;
  o.port = c.port;
  o.threads = c.threads;
  o.max_body_bytes = c.max_body_bytes;
  o.max_header_bytes = c.max_header_bytes;
  o.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  o.ws.max_message_bytes = static_cast<size_t>(c.ws_max_message_bytes);
  o.ws.max_queue_bytes = static_cast<size_t>(c.ws_max_queue_bytes);
  o.ws.ping_interval = std::chrono::milliseconds(c.ws_ping_interval_ms);
  o.ws.ping_timeout = std::chrono::milliseconds(c.ws_ping_timeout_ms);
  return o;
}

int RunServe(const Config& config) {
  sigset_t signals = BlockShutdownSignals();
  auto platform = Platform::Open(config);
  if (!platform.ok()) {
    log::Error("cannot open the platform database", {{"error", platform.error().message}});
    return 1;
  }
  Platform& p = **platform;
  log::Info("platform database", {{"backend", p.db->Describe()}});
  DbInit db_init(p);
  auto identity = IdentityModule::Create(config, p);  // admin users (docs/security.md)
  if (!identity.ok()) {
    log::Error("cannot start the admin identity", {{"error", identity.error().message}});
    return 1;
  }

  ThreadPool blocking(static_cast<size_t>(std::max(config.blocking_threads, config.db_pool_max)), "rt-blocking",
                      static_cast<size_t>(config.blocking_queue_max));
  net::Router router;
  api::AuthGate gate(p.tokens, config.development());
  api::Dispatcher dispatcher(router, blocking, gate, net::CorsPolicy::Parse(config.cors_origins).value());
  net::HttpServer server(HttpOptions(config), [&dispatcher](net::HttpRequest&& req, net::Responder respond) {
    dispatcher.Handle(std::move(req), std::move(respond));
  });
  (*identity)->Attach(router, gate, dispatcher, db_init);
  db_init.Start();
  RealtimeCore core(config, p, server);
  auto workers = WorkersModule::Create(config, p, core.instance_id, "serve");
  if (!workers.ok()) {
    log::Error("cannot start the workers", {{"error", workers.error().message}});
    db_init.Stop();
    return 1;
  }
  (*workers)->AttachTo(core.router, core.deps);
  dispatcher.SetAfterHandler([w = workers->get()] { w->AwaitEnqueued(); });

  api::RegisterHealthRoutes(router, ReadinessChecks(config, db_init));
  api::RegisterApplicationRoutes(router, p.apps, gate);
  api::RegisterTokenRoutes(router, p.tokens, p.apps, gate);
  api::RegisterKeyRoutes(router, p.keys, gate);
  api::RegisterTopicRoutes(router, p.topics, p.apps, gate);
  api::RegisterSchemaRoutes(router, p.schemas, p.apps, gate);
  api::RegisterEventRoutes(router, core.router, p.apps, gate);
  SyncModule sync(config, p, core.router);
  api::RegisterServiceRoutes(router, p.services, p.apps, gate);
  api::RegisterSyncRoutes(router, sync.documents(), p.apps, gate);
  // The socket monitor (docs/socket-monitor.md): ?details=true lists every instance's connections.
  api::ServeConnectionDetailsQuestions(core.cluster, core.journal);
  api::RegisterSocketRoutes(router, core.channels, core.router, p.apps, gate,
                            {core.journal, api::ClusterConnectionDetails(core.cluster, std::chrono::milliseconds(3000))});
  // docs/debugger.md: dry runs against the live subscriptions of every instance.
  const api::DebuggerDeps debugger{core.hub, core.instance_id, std::chrono::milliseconds(2000), &core.cluster};
  api::ServeRoutingQuestions(core.cluster, core.hub, core.instance_id, debugger.shard_timeout);
  api::RegisterDebuggerRoutes(router, debugger, p.apps, gate);
  auto trace_db = OpenTraceDb(config);  // event traces (docs/debugger.md "Traces")
  if (!trace_db.ok()) {
    log::Error("cannot open the traces database", {{"error", trace_db.error().message}});
    return 1;
  }
  store::TraceRepository trace_repo(*trace_db ? **trace_db : *p.db);
  monitor::TraceRecorder traces(trace_repo, TraceOptionsFor(config, core.instance_id, p.schema_gate));
  traces.Attach(core.router);
  api::RegisterDebuggerTraceRoutes(router, trace_repo, p.apps, gate, &traces);
  api::ServeConnectionQuestions(core.cluster, core.journal);  // explain: "why was it not delivered"
  api::RegisterExplainRoute(router, {trace_repo, &traces, core.journal, &core.cluster}, p.apps, gate);
  // Replay (docs/debugger.md "Replay"); dry-run routes against this instance's subscriptions.
  auto cluster_routing = [&debugger](const Scope& scope, const api::RoutingQuery& q) {
    return api::RouteEverywhere(debugger, scope, q);  // dry-run: every instance's subscriptions
  };
  api::RegisterDebuggerReplayRoutes(
      router, {trace_repo, core.router, p.schema_gate, (*workers)->fanout(), cluster_routing, &traces}, p.apps, gate);
  api::RegisterWebhookRoutes(router, (*workers)->webhooks(), p.apps, gate);
  store::CdcRepository cdc_repo(*p.db);
  cdc::MappingService mappings(cdc_repo, cdc::RepositorySchemaLookup(p.topic_repo, p.schema_repo));
  CdcModule cdc(config, p, cdc_repo, core.router);  // the CDC readers (docs/cdc.md)
  mappings.SetOnChange([&cdc] { cdc.Refresh(); });
  cdc.SetPublishBarrier([w = workers->get()] { w->AwaitEnqueued(); });
  api::RegisterDatabaseRoutes(router, mappings, p.apps, gate, [&cdc] { return boost::json::value(cdc.Status()); });
  // Deployments, the environment grid and config export/import (docs/deployments.md); a committed
  // execute or rollback reloads every instance's copies at once.
  ServeConfigReload(core.cluster, [&p, &cdc, w = workers->get()]() -> Status {
    RT_TRY(p.topic_catalog.Refresh());
    RT_TRY(p.schema_gate.Refresh());
    RT_TRY(w->RefreshEndpoints());
    cdc.Refresh();
    return Ok();
  });
  deploy::DeploymentService deployments(*p.db, &(*workers)->secret_box(), (*workers)->webhooks().rules());
  deployments.SetOnChange([&core] { return ReloadEverywhere(core.cluster, std::chrono::milliseconds(1500)); });
  api::RegisterDeploymentRoutes(router, deployments, p.apps, gate);
  api::RegisterWorkerRoutes(router, (*workers)->worker_repo());
  api::RegisterStatusRoutes(router, ReadinessChecks(config, db_init), (*workers)->worker_repo(),
                            [&cdc] { return boost::json::value(cdc.Status()); });
  // The operational dashboards (docs/monitoring.md).
  const std::chrono::milliseconds tick(config.metrics_tick_ms);
  Dashboard dashboard([&core, &server, &cdc, &p, w = workers->get()] { return ReadDashboard(core, server, cdc, p, w); },
                      tick, core.instance_id, "serve", MakeClusterWindows(config.redis_url, tick));
  api::RegisterDashboardRoutes(router, {[&dashboard] { return dashboard.Latest(); },
                                        [&dashboard](size_t limit) { return dashboard.HotTopics(limit); },
                                        [&dashboard](std::chrono::milliseconds w) { return dashboard.History(w); },
                                        dashboard.tick()});
  // Alerts (docs/monitoring.md): rules, history, and the evaluator (one instance of the cluster).
  AlertsModule alerts(config, p, core.instance_id, [&dashboard] { return dashboard.Latest(); });
  alerts.Attach(router);
  // Analytics (docs/monitoring.md): per-topic window rows of this instance's counters.
  store::AnalyticsRepository analytics_repo(*p.db);
  monitor::AnalyticsWorker analytics(core.router.topic_counts(), analytics_repo,
                                     {core.instance_id, std::chrono::seconds(config.analytics_window_s),
                                      std::chrono::seconds(config.analytics_retention_s)});
  api::RegisterAnalyticsRoutes(router, analytics_repo, std::chrono::seconds(config.analytics_window_s));
  // Prometheus (docs/monitoring.md): both paths the spec names; METRICS_TOKEN protects them.
  auto scrape = [&core, &server, &blocking, &cdc, w = workers->get(), token = config.metrics_token](net::HttpRequest& req) {
    if (!token.empty()) {
      auto bearer = net::BearerToken(req);
      if (!bearer || !identity::SecretEquals(*bearer, token))
        return api::ErrorResponse(Error::Unauthorized("The metrics need Authorization: Bearer <METRICS_TOKEN>"));
    }
    net::HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = RenderMetrics(core, server, &blocking, w) + cdc.Metrics();
    return r;
  };
  std::unique_ptr<net::HttpServer> metrics_listener;  // METRICS_PORT: the scrape moves there
  if (config.metrics_port < 0) {
    router.Add("GET", "/api/metrics/prometheus", net::Access::Public(), scrape, net::ExecMode::kInline);
    router.Add("GET", "/metrics", net::Access::Public(), scrape, net::ExecMode::kInline);
  } else if (auto listener = StartMetricsListener(config, scrape); listener.ok()) {
    metrics_listener = std::move(*listener);
  } else {
    log::Error("cannot listen on METRICS_PORT", {{"error", listener.error().message}});
    db_init.Stop();
    return 1;
  }
  core.Mount(router);
  // The admin UI embedded at build time: every other GET path (docs/admin-ui.md).
  api::RegisterAdminUiRoutes(router, net::StaticAssets(net::EmbeddedUiAssets()));
  if (config.socketio_conformance) log::Warn("Socket.IO conformance mode: protocol test behaviours enabled");

  if (Status st = core.Start(); !st.ok()) {
    log::Error("cannot start the broker", {{"error", st.error().message}});
    db_init.Stop();
    return 1;
  }
  if (Status st = sync.Start(); !st.ok()) {
    log::Error("cannot start the sync documents", {{"error", st.error().message}});
    core.Stop();
    db_init.Stop();
    return 1;
  }
  if (Status st = (*workers)->Start(); !st.ok()) {
    log::Error("cannot start the workers", {{"error", st.error().message}});
    sync.Shutdown(std::chrono::milliseconds(0));
    core.Stop();
    db_init.Stop();
    return 1;
  }
  if (config.workers) cdc.Start();  // REALTIME_WORKERS=off: a `realtime worker` reads CDC instead
  dashboard.Start();
  alerts.Start();
  analytics.Start();
  traces.Start();
  if (Status st = server.Start(); !st.ok()) {
    log::Error("cannot start the HTTP server", {{"error", st.error().message}});
    core.Stop();
    db_init.Stop();
    return 1;
  }
  log::Info("realtime listening",
            {{"host", config.host}, {"port", server.port()}, {"threads", config.threads}, {"env", config.node_env}});
  if (config.development() && !net::IsLoopbackAddress(config.host))
    log::Warn("development mode on a non-loopback address: anonymous access is granted to loopback peers only; "
              "set NODE_ENV=production (or HOST=127.0.0.1) for anything reachable from outside",
              {{"host", config.host}});
  for (const auto& r : router.routes())  // the route table (docs/security.md; a test compares them)
    log::Debug("route", {{"method", r.method}, {"path", r.pattern}, {"access", api::DescribeAccess(r.access)},
                         {"resource", r.access.resource}, {"action", r.access.action},
                         {"devAnonymous", r.access.dev_anonymous}});

  int sig = WaitForSignal(signals);
  log::Info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  // Order: Shutdown also destroys the connections that outlived the drain, while the gateways,
  // hub and presence they use (core) still exist; then the REST work, the final sync flush, the
  // broker. core is destroyed before server (declared after it), with no connection left.
  server.Shutdown(std::chrono::milliseconds(config.shutdown_timeout_ms));
  if (metrics_listener) metrics_listener->Shutdown(std::chrono::milliseconds(1000));
  blocking.Shutdown();
  sync.Shutdown(std::chrono::milliseconds(config.shutdown_timeout_ms));  // the final flush
  alerts.Stop();  // releases the evaluator's lease
  dashboard.Stop();
  cdc.Stop();  // confirms what was routed; the slot keeps the rest
  (*workers)->Stop(std::chrono::milliseconds(config.shutdown_timeout_ms));  // buffered webhooks enqueued
  analytics.Stop();  // writes the partial window
  traces.Stop();     // writes what is queued
  core.Stop();
  db_init.Stop();
  log::Info("shutdown complete");
  return 0;
}

int RunWorker(const Config& config) {
  sigset_t signals = BlockShutdownSignals();
  auto platform = Platform::Open(config);
  if (!platform.ok()) {
    log::Error("cannot open the platform database", {{"error", platform.error().message}});
    return 1;
  }
  Platform& p = **platform;
  DbInit db_init(p);
  db_init.Start();
  Pipeline pipeline(config, p, NewId("inst"));  // publishes to the servers' clients through Redis
  auto workers = WorkersModule::Create(config, p, pipeline.instance_id(), "worker");
  if (!workers.ok()) {
    log::Error("cannot start the workers", {{"error", workers.error().message}});
    db_init.Stop();
    return 1;
  }
  (*workers)->AttachRouter(pipeline.router());
  auto trace_db = OpenTraceDb(config);  // traces of the events this worker routes
  if (!trace_db.ok()) {
    log::Error("cannot open the traces database", {{"error", trace_db.error().message}});
    db_init.Stop();
    return 1;
  }
  store::TraceRepository trace_repo(*trace_db ? **trace_db : *p.db);
  monitor::TraceRecorder traces(trace_repo, TraceOptionsFor(config, pipeline.instance_id(), p.schema_gate));
  traces.Attach(pipeline.router());
  store::CdcRepository cdc_repo(*p.db);
  CdcModule cdc(config, p, cdc_repo, pipeline.router());
  cdc.SetPublishBarrier([w = workers->get()] { w->AwaitEnqueued(); });
  if (Status st = pipeline.Start(); !st.ok()) {
    log::Error("cannot start the broker", {{"error", st.error().message}});
    db_init.Stop();
    return 1;
  }
  (void)(*workers)->Start();
  // Without a broker between processes the worker's events would reach no client: the CDC
  // readers and the outbox then run in `serve` only.
  if (pipeline.reaches_clients()) cdc.Start();
  else log::Info("CDC readers and the outbox run in serve: a worker needs REDIS_URL to reach the clients");
  // Analytics of the events this worker routes (database events).
  store::AnalyticsRepository analytics_repo(*p.db);
  monitor::AnalyticsWorker analytics(pipeline.router().topic_counts(), analytics_repo,
                                     {pipeline.instance_id(), std::chrono::seconds(config.analytics_window_s),
                                      std::chrono::seconds(config.analytics_retention_s)});
  analytics.Start();
  traces.Start();
  // Its share of the cluster's dashboard (CDC lag, deliveries): published, not served.
  const std::chrono::milliseconds tick(config.metrics_tick_ms);
  Dashboard dashboard([&pipeline, &cdc, &p, w = workers->get()] { return ReadWorkerDashboard(pipeline.router(), cdc, p, w); },
                      tick, pipeline.instance_id(), "worker", MakeClusterWindows(config.redis_url, tick));
  dashboard.Start();
  log::Info("worker started", {{"database", p.db->Describe()}, {"cdc", pipeline.reaches_clients()}});
  int sig = WaitForSignal(signals);
  log::Info("worker stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  dashboard.Stop();
  cdc.Stop();  // confirms what was routed; the slot keeps the rest
  (*workers)->Stop(std::chrono::milliseconds(config.shutdown_timeout_ms));
  analytics.Stop();  // writes the partial window
  traces.Stop();     // writes what is queued
  pipeline.Stop();
  db_init.Stop();
  log::Info("worker stopped");
  return 0;
}

}  // namespace rt::app
