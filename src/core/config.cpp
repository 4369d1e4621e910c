#include "core/config.h"

#include "core/duration.h"

#include <fstream>

#include <charconv>
#include <thread>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

extern char** environ;

namespace rt {
namespace {

Error Invalid(const std::string& var, const std::string& what, const std::string& got) {
  return Error::Validation(var + " " + what + " (got \"" + got + "\")");
}

const std::string* Find(const EnvMap& env, const char* name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return nullptr;
  return &it->second;
}

// A duration of 1 s to 365 d (core/duration.h).
Status ReadDuration(const EnvMap& env, const char* name, int64_t& out_s) {
  const std::string* v = Find(env, name);
  if (!v) return Ok();
  auto seconds = ParseDurationSeconds(*v);
  if (!seconds || *seconds > 365LL * 86400)
    return Invalid(name, "must be a duration of 1 s to 365 d (seconds, or with s|m|h|d)", *v);
  out_s = *seconds;
  return Ok();
}

template <typename Int>
Status ReadInt(const EnvMap& env, const char* name, Int min, Int max, Int& out) {
  const std::string* v = Find(env, name);
  if (!v) return Ok();
  Int parsed{};
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), parsed);
  if (ec != std::errc() || p != v->data() + v->size() || parsed < min || parsed > max)
    return Invalid(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max), *v);
  out = parsed;
  return Ok();
}

// A fraction from 0 to 1 ("0.25", "1").
Status ReadFraction(const EnvMap& env, const char* name, double& out) {
  const std::string* v = Find(env, name);
  if (!v) return Ok();
  double parsed = -1;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), parsed);
  if (ec != std::errc() || p != v->data() + v->size() || !(parsed >= 0.0 && parsed <= 1.0))
    return Invalid(name, "must be a number from 0 to 1", *v);
  out = parsed;
  return Ok();
}

// CDC_EVENT_RETENTION: "7d", "1000000" or "7d,1000000" (days 1-3650, rows 1000-1000000000).
Status ReadCdcRetention(const EnvMap& env, Config& c) {
  const char* kName = "CDC_EVENT_RETENTION";
  const std::string* v = Find(env, kName);
  if (!v) return Ok();
  const Error bad = Invalid(kName, "must be <days>d, <rows> or <days>d,<rows> (e.g. 7d,1000000)", *v);
  bool days_seen = false, rows_seen = false;
  std::string_view rest(*v);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty()) return bad;
    const bool days = !part.empty() && part.back() == 'd';
    if (days) part.remove_suffix(1);
    int64_t n = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size()) return bad;
    if (days) {
      if (days_seen || n < 1 || n > 3650) return bad;
      days_seen = true;
      c.cdc_event_retention_days = static_cast<int>(n);
    } else {
      if (rows_seen || n < 1000 || n > 1000000000) return bad;
      rows_seen = true;
      c.cdc_event_retention_rows = n;
    }
  }
  return Ok();
}

// on/true/1 or off/false/0; unset: fallback.
Status ReadBool(const EnvMap& env, const char* name, bool& out, bool fallback) {
  out = fallback;
  const std::string* v = Find(env, name);
  if (v == nullptr) return Ok();
  if (*v == "1" || *v == "true" || *v == "on") out = true;
  else if (*v == "0" || *v == "false" || *v == "off") out = false;
  else return Invalid(name, "must be true or false (on/off, 1/0)", *v);
  return Ok();
}

Status ReadUrl(const EnvMap& env, const char* name, std::initializer_list<std::string_view> schemes,
               std::string& out) {
  const std::string* v = Find(env, name);
  if (!v) return Ok();
  auto u = boost::urls::parse_uri(*v);
  bool scheme_ok = false;
  if (u) {
    for (auto s : schemes) scheme_ok = scheme_ok || u->scheme() == s;
  }
  if (!u || !scheme_ok || u->host().empty()) {
    std::string list;
    for (auto s : schemes) list += (list.empty() ? "" : " or ") + std::string(s) + "://";
    return Error::Validation(std::string(name) + " must be a URL starting with " + list + " and naming a host");
  }
  out = *v;
  return Ok();
}

std::string Encode(const std::string& s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// DATABASE_URL wins; otherwise POSTGRES_* build a URL when any credential variable is set.
Status ReadDatabase(const EnvMap& env, Config& c) {
  RT_TRY(ReadUrl(env, "DATABASE_URL", {"postgres", "postgresql"}, c.database_url));
  if (!c.database_url.empty()) return Ok();
  const std::string* user = Find(env, "POSTGRES_USER");
  const std::string* pass = Find(env, "POSTGRES_PASSWORD");
  const std::string* db = Find(env, "POSTGRES_DB");
  if (!user && !pass && !db) return Ok();
  if (!user) return Error::Validation("POSTGRES_USER is required when POSTGRES_PASSWORD or POSTGRES_DB is set");
  if (!db) return Error::Validation("POSTGRES_DB is required when POSTGRES_USER is set");
  int port = 5432;
  RT_TRY(ReadInt(env, "POSTGRES_PORT", 1, 65535, port));
  const std::string* host = Find(env, "POSTGRES_HOST");
  c.database_url = "postgresql://" + Encode(*user) + (pass ? ":" + Encode(*pass) : "") + "@" +
                   (host ? *host : "localhost") + ":" + std::to_string(port) + "/" + Encode(*db);
  return Ok();
}

}  // namespace

EnvMap ProcessEnv() {
  EnvMap env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

Result<Config> LoadConfig(const EnvMap& env) {
  Config c;
  if (auto* v = Find(env, "NODE_ENV")) {
    if (*v != "development" && *v != "staging" && *v != "production" && *v != "test")
      return Invalid("NODE_ENV", "must be one of development, staging, production, test", *v);
    c.node_env = *v;
  }
  RT_TRY(ReadInt(env, "PORT", 0, 65535, c.port));
  if (auto* v = Find(env, "REALTIME_HOST")) c.host = *v;  // older name, kept as an alias
  if (auto* v = Find(env, "HOST")) c.host = *v;
  if (c.host.empty()) return Invalid("HOST", "must be an IP address to listen on, e.g. 0.0.0.0 or 127.0.0.1", c.host);
  if (auto* v = Find(env, "LOG_LEVEL")) {
    static const std::pair<const char*, LogLevel> kLevels[] = {
        {"trace", LogLevel::kDebug}, {"debug", LogLevel::kDebug}, {"info", LogLevel::kInfo},
        {"warn", LogLevel::kWarn},   {"error", LogLevel::kError}, {"fatal", LogLevel::kError}};
    bool found = false;
    for (auto& [name, level] : kLevels) {
      if (*v == name) c.log_level = level, found = true;
    }
    if (!found) return Invalid("LOG_LEVEL", "must be one of debug, info, warn, error", *v);
  }
  RT_TRY(ReadDatabase(env, c));
  if (auto* v = Find(env, "REALTIME_DATA_DIR")) c.data_dir = *v;
  RT_TRY(ReadInt(env, "REALTIME_DB_POOL_MIN", 0, 100, c.db_pool_min));
  RT_TRY(ReadInt(env, "REALTIME_DB_POOL_MAX", 1, 100, c.db_pool_max));
  if (c.db_pool_min > c.db_pool_max)
    return Error::Validation("REALTIME_DB_POOL_MIN must not exceed REALTIME_DB_POOL_MAX");
  RT_TRY(ReadUrl(env, "REDIS_URL", {"redis", "rediss"}, c.redis_url));
  RT_TRY(ReadBool(env, "REDIS_CLUSTER", c.redis_cluster, false));
  if (auto* v = Find(env, "JWT_SECRET")) {
    if (v->size() < 16) return Error::Validation("JWT_SECRET must be at least 16 characters long");
    c.jwt_secret = *v;
  }
  RT_TRY(ReadInt(env, "REALTIME_JWT_LEEWAY_SECONDS", 0, 300, c.jwt_leeway_s));
  RT_TRY(ReadInt(env, "SYNC_DOC_TTL_SECONDS", 1, 86400 * 365, c.sync_doc_ttl_seconds));
  if (auto* v = Find(env, "SYNC_WRITE_MODE")) {
    if (*v != "write-back" && *v != "write-through")
      return Invalid("SYNC_WRITE_MODE", "must be write-back or write-through", *v);
    c.sync_write_through = *v == "write-through";
  }
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_SYNC_MAX_DOC_BYTES", 64, 16 << 20, c.sync_max_doc_bytes));
  RT_TRY(ReadInt(env, "REALTIME_SYNC_MAX_DEPTH", 1, 64, c.sync_max_depth));
  RT_TRY(ReadInt(env, "REALTIME_SYNC_FLUSH_DELAY_MS", 0, 3600000, c.sync_flush_delay_ms));
  RT_TRY(ReadInt(env, "REALTIME_SYNC_SWEEP_INTERVAL_MS", 100, 3600000, c.sync_sweep_interval_ms));
  RT_TRY(ReadUrl(env, "CDC_DATABASE_URL", {"postgres", "postgresql"}, c.cdc_database_url));
  RT_TRY(ReadInt(env, "CDC_POLL_INTERVAL_MS", 10, 3600000, c.cdc_poll_interval_ms));
  if (auto* v = Find(env, "CDC_SLOT_NAME")) {
    bool valid = !v->empty() && v->size() <= 63;
    for (char ch : *v) valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
    if (!valid)
      return Invalid("CDC_SLOT_NAME", "must be 1-63 characters of lowercase letters, digits and _", *v);
    c.cdc_slot_name = *v;
  }
  RT_TRY(ReadBool(env, "CDC_SET_REPLICA_IDENTITY", c.cdc_set_replica_identity, true));
  RT_TRY(ReadInt(env, "REALTIME_THREADS", 0, 256, c.threads));
  if (c.threads == 0) c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_MAX_BODY_BYTES", 1024, int64_t{1} << 30, c.max_body_bytes));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_MAX_HEADER_BYTES", 1024, 1 << 20, c.max_header_bytes));
  RT_TRY(ReadInt(env, "REALTIME_READ_TIMEOUT_MS", 100, 3600000, c.read_timeout_ms));
  RT_TRY(ReadInt(env, "REALTIME_SHUTDOWN_TIMEOUT_MS", 0, 60000, c.shutdown_timeout_ms));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_MAX_PAYLOAD_BYTES", 64, 16 << 20, c.max_event_payload_bytes));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_WS_MAX_MESSAGE_BYTES", 1024, 64 << 20, c.ws_max_message_bytes));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_WS_MAX_QUEUE_BYTES", 4096, int64_t{1} << 30, c.ws_max_queue_bytes));
  RT_TRY(ReadInt(env, "REALTIME_WS_PING_INTERVAL_MS", 100, 3600000, c.ws_ping_interval_ms));
  RT_TRY(ReadInt(env, "REALTIME_WS_PING_TIMEOUT_MS", 100, 3600000, c.ws_ping_timeout_ms));
  RT_TRY(ReadInt(env, "REALTIME_WS_AUTH_TIMEOUT_MS", 100, 600000, c.ws_auth_timeout_ms));
  RT_TRY(ReadInt(env, "REALTIME_WS_RATE_PER_SECOND", 0, 10000000, c.ws_rate_per_second));
  RT_TRY(ReadInt(env, "REALTIME_WS_RATE_BURST", 1, 10000000, c.ws_rate_burst));
  RT_TRY(ReadInt(env, "REALTIME_MAX_CONNECTIONS", 1, 10000000, c.max_connections));
  RT_TRY(ReadInt(env, "REALTIME_MAX_CONNECTIONS_PER_IP", 0, 10000000, c.max_connections_per_ip));
  RT_TRY(ReadInt(env, "REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION", 1, 1000000, c.max_subscriptions_per_connection));
  RT_TRY(ReadInt(env, "REALTIME_MAX_CHANNELS_PER_CONNECTION", 1, 1000000, c.max_channels_per_connection));
  RT_TRY(ReadInt(env, "REALTIME_BLOCKING_QUEUE_MAX", 1, 10000000, c.blocking_queue_max));
  RT_TRY(ReadInt(env, "REALTIME_BLOCKING_THREADS", 1, 1024, c.blocking_threads));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_HUB_INBOX_MAX_BYTES", 65536, int64_t{1} << 40, c.hub_inbox_max_bytes));
  RT_TRY(ReadInt<int64_t>(env, "REALTIME_HUB_COALESCE_US", 0, 100000, c.hub_coalesce_us));
  if (auto* v = Find(env, "REALTIME_SOCKETIO_CONFORMANCE")) {
    if (*v != "0" && *v != "1" && *v != "true" && *v != "false")
      return Invalid("REALTIME_SOCKETIO_CONFORMANCE", "must be 0, 1, true or false", *v);
    c.socketio_conformance = *v == "1" || *v == "true";
    if (c.socketio_conformance && c.production())
      return Error::Validation("REALTIME_SOCKETIO_CONFORMANCE cannot be enabled with NODE_ENV=production");
    if (c.socketio_conformance) c.socketio_ping_interval_ms = 300, c.socketio_ping_timeout_ms = 200;
  }
  RT_TRY(ReadInt(env, "REALTIME_SOCKETIO_PING_INTERVAL_MS", 50, 3600000, c.socketio_ping_interval_ms));
  RT_TRY(ReadInt(env, "REALTIME_SOCKETIO_PING_TIMEOUT_MS", 50, 3600000, c.socketio_ping_timeout_ms));
  RT_TRY(ReadInt(env, "REALTIME_SOCKETIO_MAX_PAYLOAD", 1024, 100000000, c.socketio_max_payload));
  RT_TRY(ReadInt(env, "REALTIME_SOCKETIO_UPGRADE_TIMEOUT_MS", 100, 3600000, c.socketio_upgrade_timeout_ms));
  RT_TRY(ReadInt(env, "REALTIME_SOCKETIO_CONNECT_TIMEOUT_MS", 100, 3600000, c.socketio_connect_timeout_ms));
  RT_TRY(ReadBool(env, "REALTIME_WORKERS", c.workers, true));
  RT_TRY(ReadInt(env, "REALTIME_WORKER_POLL_MS", 10, 60000, c.worker_poll_ms));
  if (auto* v = Find(env, "REALTIME_SECRET_KEY")) {
    if (v->size() < 16) return Error::Validation("REALTIME_SECRET_KEY must be at least 16 characters long");
    c.secret_key = *v;
  }
  RT_TRY(ReadBool(env, "REALTIME_WEBHOOK_ALLOW_HTTP", c.webhook_allow_http, c.development()));
  RT_TRY(ReadBool(env, "REALTIME_WEBHOOK_ALLOW_PRIVATE", c.webhook_allow_private, c.development()));
  RT_TRY(ReadInt(env, "REALTIME_WEBHOOK_TIMEOUT_MS", 100, 600000, c.webhook_timeout_ms));
  if (auto* v = Find(env, "REALTIME_WEBHOOK_CA_FILE")) {
    if (!v->empty() && !std::ifstream(*v).good())
      return Invalid("REALTIME_WEBHOOK_CA_FILE", "must be a readable PEM file", *v);
    c.webhook_ca_file = *v;
  }
  RT_TRY(ReadInt(env, "REALTIME_WEBHOOK_MAX_RETRIES", 0, 100, c.webhook_max_retries));
  RT_TRY(ReadInt(env, "REALTIME_WEBHOOK_RETRY_BASE_MS", 1, 3600000, c.webhook_retry_base_ms));
  RT_TRY(ReadInt(env, "REALTIME_WEBHOOK_RETRY_MAX_MS", 1, 86400000, c.webhook_retry_max_ms));
  RT_TRY(ReadInt(env, "REALTIME_WEBHOOK_CONCURRENCY", 1, 100000, c.webhook_concurrency));
  RT_TRY(ReadInt(env, "REALTIME_WEBHOOK_LOG_RETENTION_DAYS", 1, 3650, c.webhook_log_retention_days));
  RT_TRY(ReadCdcRetention(env, c));
  RT_TRY(ReadInt(env, "REALTIME_METRICS_MAX_TOPICS", 0, 100000, c.metrics_max_topics));
  RT_TRY(ReadInt(env, "REALTIME_METRICS_TICK_MS", 100, 60000, c.metrics_tick_ms));
  RT_TRY(ReadInt(env, "METRICS_PORT", 0, 65535, c.metrics_port));
  RT_TRY(ReadBool(env, "REALTIME_METRICS", c.metrics_enabled, true));
  RT_TRY(ReadInt(env, "REALTIME_ALERTS_TICK_MS", 100, 3600000, c.alerts_tick_ms));
  RT_TRY(ReadDuration(env, "REALTIME_ANALYTICS_WINDOW", c.analytics_window_s));
  if (c.analytics_window_s > 86400)
    return Invalid("REALTIME_ANALYTICS_WINDOW", "must be a duration of 1 s to 1 d", *Find(env, "REALTIME_ANALYTICS_WINDOW"));
  RT_TRY(ReadDuration(env, "REALTIME_ANALYTICS_RETENTION", c.analytics_retention_s));
  RT_TRY(ReadFraction(env, "REALTIME_TRACE_SAMPLE", c.trace_sample));
  RT_TRY(ReadDuration(env, "REALTIME_TRACE_RETENTION", c.trace_retention_s));
  RT_TRY(ReadInt(env, "REALTIME_TRACE_MAX", int64_t{1}, int64_t{1000000000}, c.trace_max));
  RT_TRY(ReadInt(env, "REALTIME_TRACE_PRUNE_INTERVAL_MS", 100, 86400000, c.trace_prune_interval_ms));
  if (auto* v = Find(env, "METRICS_TOKEN")) {
    if (v->size() < 16) return Error::Validation("METRICS_TOKEN must be at least 16 characters long");
    c.metrics_token = *v;
  }
  RT_TRY(ReadDuration(env, "REALTIME_SESSION_TTL", c.session_ttl_s));
  RT_TRY(ReadDuration(env, "REALTIME_INVITE_TTL", c.invite_ttl_s));
  RT_TRY(ReadInt(env, "REALTIME_PASSWORD_MIN_LENGTH", 8, 128, c.password_min_length));
  if (auto* v = Find(env, "SMTP_URL")) {
    if (!v->empty() && v->rfind("smtp://", 0) != 0 && v->rfind("smtps://", 0) != 0)
      return Invalid("SMTP_URL", "must start with smtp:// or smtps://", "(hidden)");
    c.smtp_url = *v;
  }
  if (auto* v = Find(env, "SMTP_FROM")) c.smtp_from = *v;
  if (auto* v = Find(env, "REALTIME_PUBLIC_URL")) {
    if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0)
      return Invalid("REALTIME_PUBLIC_URL", "must be an http(s):// URL", *v);
    c.public_url = *v;
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  }
  // Unset: development allows any origin (no credentials); elsewhere no cross-origin access.
  if (auto* v = Find(env, "CORS_ORIGINS")) c.cors_origins = *v;
  else c.cors_origins = c.development() ? "*" : "";
  return c;
}

}  // namespace rt
