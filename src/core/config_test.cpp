#include "core/config.h"

#include <gtest/gtest.h>

#include "core/dotenv.h"

namespace rt {
namespace {

TEST(Config, DefaultsMatchTheSpec) {
  auto c = LoadConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->node_env, "development");
  EXPECT_EQ(c->port, 3000);
  EXPECT_EQ(c->log_level, LogLevel::kInfo);
  EXPECT_EQ(c->sync_doc_ttl_seconds, 600);
  EXPECT_EQ(c->cdc_poll_interval_ms, 1000);
  EXPECT_EQ(c->cdc_slot_name, "realtime_cdc_slot");
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_FALSE(c->uses_postgres());
  EXPECT_GE(c->threads, 1);
}

TEST(Config, EachInvalidValueNamesItsVariable) {
  const std::pair<const char*, const char*> cases[] = {
      {"PORT", "abc"},          {"PORT", "70000"},        {"PORT", "-1"},
      {"NODE_ENV", "banana"},   {"LOG_LEVEL", "loud"},    {"DATABASE_URL", "mysql://x/y"},
      {"REDIS_URL", "http://x"}, {"SYNC_DOC_TTL_SECONDS", "0"}, {"CDC_POLL_INTERVAL_MS", "1x"},
      {"CDC_SLOT_NAME", "Bad-Slot"}, {"REALTIME_THREADS", "1000"}, {"JWT_SECRET", "short"},
      {"CDC_DATABASE_URL", "nonsense"}};
  for (auto [var, value] : cases) {
    auto c = LoadConfig({{var, value}});
    ASSERT_FALSE(c.ok()) << var << "=" << value;
    EXPECT_EQ(c.error().code, ErrorCode::kValidation);
    EXPECT_NE(c.error().message.find(var), std::string::npos) << c.error().message;
  }
}

TEST(Config, SyncDocumentSettings) {
  auto d = LoadConfig({});
  EXPECT_FALSE(d->sync_write_through);
  EXPECT_EQ(d->sync_max_doc_bytes, 256 << 10);
  EXPECT_EQ(d->sync_max_depth, 32);
  EXPECT_EQ(d->sync_sweep_interval_ms, 5000);
  EXPECT_TRUE(LoadConfig({{"SYNC_WRITE_MODE", "write-through"}})->sync_write_through);
  EXPECT_FALSE(LoadConfig({{"SYNC_WRITE_MODE", "write-back"}})->sync_write_through);
  for (auto [var, value] : {std::pair{"SYNC_WRITE_MODE", "sometimes"}, std::pair{"REALTIME_SYNC_MAX_DEPTH", "0"},
                            std::pair{"REALTIME_SYNC_MAX_DOC_BYTES", "1"},
                            std::pair{"REALTIME_SYNC_SWEEP_INTERVAL_MS", "10"}}) {
    auto c = LoadConfig({{var, value}});
    ASSERT_FALSE(c.ok()) << var << "=" << value;
    EXPECT_NE(c.error().message.find(var), std::string::npos) << c.error().message;
  }
}

TEST(Config, ConnectionAndQueueBounds) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->max_connections, 100000);
  EXPECT_EQ(d->max_connections_per_ip, 0);  // off by default: behind a load balancer all clients share one address
  EXPECT_EQ(d->max_subscriptions_per_connection, 1000);
  EXPECT_EQ(d->max_channels_per_connection, 1000);
  EXPECT_EQ(d->blocking_queue_max, 10000);
  EXPECT_EQ(d->hub_inbox_max_bytes, 64 << 20);
  auto c = LoadConfig({{"REALTIME_MAX_CONNECTIONS", "5"}, {"REALTIME_MAX_CONNECTIONS_PER_IP", "2"},
                       {"REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION", "3"}, {"REALTIME_MAX_CHANNELS_PER_CONNECTION", "4"},
                       {"REALTIME_BLOCKING_QUEUE_MAX", "7"}, {"REALTIME_HUB_INBOX_MAX_BYTES", "1048576"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->max_connections, 5);
  EXPECT_EQ(c->max_connections_per_ip, 2);
  EXPECT_EQ(c->max_subscriptions_per_connection, 3);
  EXPECT_EQ(c->max_channels_per_connection, 4);
  EXPECT_EQ(c->blocking_queue_max, 7);
  EXPECT_EQ(c->hub_inbox_max_bytes, 1048576);
  for (auto [var, value] : {std::pair{"REALTIME_MAX_CONNECTIONS", "0"}, std::pair{"REALTIME_MAX_CONNECTIONS", "many"},
                            std::pair{"REALTIME_MAX_CONNECTIONS_PER_IP", "-1"},
                            std::pair{"REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION", "0"},
                            std::pair{"REALTIME_MAX_CHANNELS_PER_CONNECTION", "1e3"},
                            std::pair{"REALTIME_BLOCKING_QUEUE_MAX", "0"},
                            std::pair{"REALTIME_HUB_INBOX_MAX_BYTES", "100"}}) {
    auto bad = LoadConfig({{var, value}});
    ASSERT_FALSE(bad.ok()) << var << "=" << value;
    EXPECT_EQ(bad.error().code, ErrorCode::kValidation);
    EXPECT_NE(bad.error().message.find(var), std::string::npos) << bad.error().message;
  }
}

TEST(Config, WorkersAndWebhooks) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->workers);
  EXPECT_TRUE(d->webhook_allow_http);  // development
  EXPECT_TRUE(d->webhook_allow_private);
  EXPECT_EQ(d->webhook_timeout_ms, 10000);
  EXPECT_EQ(d->webhook_max_retries, 5);
  auto p = LoadConfig({{"NODE_ENV", "production"}, {"REALTIME_WORKERS", "off"}, {"REALTIME_WEBHOOK_ALLOW_HTTP", "true"}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_FALSE(p->workers);
  EXPECT_TRUE(p->webhook_allow_http);
  EXPECT_FALSE(p->webhook_allow_private);  // production default
  for (auto [var, value] : {std::pair{"REALTIME_WORKERS", "maybe"}, std::pair{"REALTIME_WEBHOOK_ALLOW_PRIVATE", "yes"},
                            std::pair{"REALTIME_WEBHOOK_TIMEOUT_MS", "10"}, std::pair{"REALTIME_WEBHOOK_MAX_RETRIES", "-1"},
                            std::pair{"REALTIME_SECRET_KEY", "short"},
                            std::pair{"REALTIME_WEBHOOK_CA_FILE", "/nonexistent/ca.pem"}}) {
    auto bad = LoadConfig({{var, value}});
    ASSERT_FALSE(bad.ok()) << var << "=" << value;
    EXPECT_NE(bad.error().message.find(var), std::string::npos) << bad.error().message;
  }
}

TEST(Config, PostgresVariablesBuildAUrlAndDatabaseUrlWins) {
  auto c = LoadConfig({{"POSTGRES_USER", "rt"}, {"POSTGRES_PASSWORD", "p@ss word"}, {"POSTGRES_DB", "realtime"},
                       {"POSTGRES_HOST", "db"}, {"POSTGRES_PORT", "6543"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->database_url, "postgresql://rt:p%40ss%20word@db:6543/realtime");
  auto d = LoadConfig({{"POSTGRES_USER", "rt"}, {"POSTGRES_DB", "x"}, {"DATABASE_URL", "postgres://a@h/b"}});
  EXPECT_EQ(d->database_url, "postgres://a@h/b");
  auto missing = LoadConfig({{"POSTGRES_PASSWORD", "x"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("POSTGRES_USER"), std::string::npos);
}

TEST(DotEnv, ParsesCommentsQuotesAndExport) {
  auto env = ParseDotEnv("# comment\nPORT=4000\nexport LOG_LEVEL=debug\nA=\"x\\ny\"\nB='lit $x'\nC=v # trailing\n\n");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ((*env)["PORT"], "4000");
  EXPECT_EQ((*env)["LOG_LEVEL"], "debug");
  EXPECT_EQ((*env)["A"], "x\ny");
  EXPECT_EQ((*env)["B"], "lit $x");
  EXPECT_EQ((*env)["C"], "v");
  auto bad = ParseDotEnv("OK=1\nnot a line\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
}

TEST(Config, CdcEventRetention) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->cdc_event_retention_days, 7);
  EXPECT_EQ(d->cdc_event_retention_rows, 1000000);
  auto both = LoadConfig({{"CDC_EVENT_RETENTION", "3d,5000"}});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->cdc_event_retention_days, 3);
  EXPECT_EQ(both->cdc_event_retention_rows, 5000);
  auto rows = LoadConfig({{"CDC_EVENT_RETENTION", "20000"}});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->cdc_event_retention_days, 7);
  EXPECT_EQ(rows->cdc_event_retention_rows, 20000);
  auto days = LoadConfig({{"CDC_EVENT_RETENTION", "30d"}});
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->cdc_event_retention_days, 30);
  EXPECT_EQ(days->cdc_event_retention_rows, 1000000);
  for (const char* bad : {"d", "7x", "7d,", ",7d", "7d,7d", "0d", "10", "7d,5000,3", "-1d", "7 d"}) {
    auto c = LoadConfig({{"CDC_EVENT_RETENTION", bad}});
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message.find("CDC_EVENT_RETENTION"), std::string::npos) << c.error().message;
  }
}

}  // namespace
}  // namespace rt

namespace rt {
namespace {

TEST(Config, AdminIdentitySettings) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->session_ttl_s, 12 * 3600);
  EXPECT_EQ(d->invite_ttl_s, 7 * 86400);
  EXPECT_EQ(d->password_min_length, 12);
  auto c = LoadConfig({{"REALTIME_SESSION_TTL", "30m"}, {"REALTIME_INVITE_TTL", "90"},
                       {"SMTP_URL", "smtp://mail:2525"}, {"REALTIME_PUBLIC_URL", "https://admin.example.com/"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->session_ttl_s, 1800);
  EXPECT_EQ(c->invite_ttl_s, 90);
  EXPECT_EQ(c->smtp_url, "smtp://mail:2525");
  EXPECT_EQ(c->public_url, "https://admin.example.com");
  for (auto [var, value] : std::vector<std::pair<std::string, std::string>>{
           {"REALTIME_SESSION_TTL", "0"}, {"REALTIME_SESSION_TTL", "12x"}, {"REALTIME_INVITE_TTL", "400d"},
           {"SMTP_URL", "http://mail"}, {"REALTIME_PUBLIC_URL", "admin.example.com"},
           {"REALTIME_PASSWORD_MIN_LENGTH", "4"}}) {
    auto bad = LoadConfig({{var, value}});
    ASSERT_FALSE(bad.ok()) << var << "=" << value;
    EXPECT_NE(bad.error().message.find(var), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace rt

namespace rt {
namespace {

TEST(Config, AlertsTick) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->alerts_tick_ms, 5000);
  auto c = LoadConfig({{"REALTIME_ALERTS_TICK_MS", "100"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->alerts_tick_ms, 100);
  for (const char* value : {"99", "0", "-5", "fast", "3600001"}) {
    auto bad = LoadConfig({{"REALTIME_ALERTS_TICK_MS", value}});
    ASSERT_FALSE(bad.ok()) << value;
    EXPECT_NE(bad.error().message.find("REALTIME_ALERTS_TICK_MS"), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace rt

namespace rt {
namespace {

TEST(Config, AnalyticsWindowAndRetention) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->analytics_window_s, 60);
  EXPECT_EQ(d->analytics_retention_s, 30 * 86400);
  auto c = LoadConfig({{"REALTIME_ANALYTICS_WINDOW", "1s"}, {"REALTIME_ANALYTICS_RETENTION", "7d"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->analytics_window_s, 1);
  EXPECT_EQ(c->analytics_retention_s, 7 * 86400);
  auto m = LoadConfig({{"REALTIME_ANALYTICS_WINDOW", "5m"}, {"REALTIME_ANALYTICS_RETENTION", "3600"}});
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->analytics_window_s, 300);
  EXPECT_EQ(m->analytics_retention_s, 3600);
  for (auto [var, value] : std::vector<std::pair<std::string, std::string>>{
           {"REALTIME_ANALYTICS_WINDOW", "0"}, {"REALTIME_ANALYTICS_WINDOW", "2d"}, {"REALTIME_ANALYTICS_WINDOW", "1x"},
           {"REALTIME_ANALYTICS_WINDOW", "-1s"}, {"REALTIME_ANALYTICS_RETENTION", "0"},
           {"REALTIME_ANALYTICS_RETENTION", "400d"}, {"REALTIME_ANALYTICS_RETENTION", "soon"}}) {
    auto bad = LoadConfig({{var, value}});
    ASSERT_FALSE(bad.ok()) << var << "=" << value;
    EXPECT_NE(bad.error().message.find(var), std::string::npos) << bad.error().message;
  }
}

TEST(Config, TraceSamplingAndRetention) {
  auto d = LoadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->trace_sample, 1.0);
  EXPECT_EQ(d->trace_retention_s, 86400);
  EXPECT_EQ(d->trace_max, 1000000);
  EXPECT_EQ(d->trace_prune_interval_ms, 300000);
  auto c = LoadConfig({{"REALTIME_TRACE_SAMPLE", "0.25"},
                       {"REALTIME_TRACE_RETENTION", "2h"},
                       {"REALTIME_TRACE_MAX", "5"},
                       {"REALTIME_TRACE_PRUNE_INTERVAL_MS", "200"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trace_sample, 0.25);
  EXPECT_EQ(c->trace_retention_s, 7200);
  EXPECT_EQ(c->trace_max, 5);
  EXPECT_EQ(c->trace_prune_interval_ms, 200);
  auto off = LoadConfig({{"REALTIME_TRACE_SAMPLE", "0"}});
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->trace_sample, 0.0);
  for (auto [var, value] : std::vector<std::pair<std::string, std::string>>{
           {"REALTIME_TRACE_SAMPLE", "1.5"}, {"REALTIME_TRACE_SAMPLE", "-0.1"}, {"REALTIME_TRACE_SAMPLE", "all"},
           {"REALTIME_TRACE_SAMPLE", "0.5x"}, {"REALTIME_TRACE_RETENTION", "0"}, {"REALTIME_TRACE_RETENTION", "1y"},
           {"REALTIME_TRACE_MAX", "0"}, {"REALTIME_TRACE_MAX", "many"}, {"REALTIME_TRACE_PRUNE_INTERVAL_MS", "5"}}) {
    auto bad = LoadConfig({{var, value}});
    ASSERT_FALSE(bad.ok()) << var << "=" << value;
    EXPECT_NE(bad.error().message.find(var), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace rt
