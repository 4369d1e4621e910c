// Config: every setting of the server, read once from the environment at start-up
// (names exactly as spec/02-configuration.md, plus REALTIME_* for what the spec leaves open).
//
// LoadConfig never exits: it returns the first invalid variable as a ValidationError whose
// message names the variable and what is wrong; app/ prints it and exits with code 2.
// Thread safety: a Config is an immutable value after loading.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/result.h"

namespace rt {

using EnvMap = std::map<std::string, std::string>;

// Snapshot of the process environment.
EnvMap ProcessEnv();

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

struct Config {
  std::string node_env = "development";  // NODE_ENV: development | staging | production | test
  int port = 3000;                       // PORT (0 picks a free port, logged at start)
  std::string host = "0.0.0.0";          // HOST (alias REALTIME_HOST): the listen address
  LogLevel log_level = LogLevel::kInfo;  // LOG_LEVEL

  // Platform database: empty means the embedded SQLite file under data_dir.
  std::string database_url;  // DATABASE_URL, or built from POSTGRES_*
  std::string data_dir = "./data";  // REALTIME_DATA_DIR
  int db_pool_min = 2;              // REALTIME_DB_POOL_MIN
  int db_pool_max = 10;             // REALTIME_DB_POOL_MAX

  std::string redis_url;   // REDIS_URL (optional: enables scale-out)
  bool redis_cluster = false;  // REDIS_CLUSTER: sharded Pub/Sub (SPUBLISH / SSUBSCRIBE, Redis 7)
  std::string jwt_secret;  // JWT_SECRET (optional default signing key)
  int jwt_leeway_s = 5;    // REALTIME_JWT_LEEWAY_SECONDS: clock skew allowed on exp/nbf

  int sync_doc_ttl_seconds = 600;  // SYNC_DOC_TTL_SECONDS
  bool sync_write_through = false;          // SYNC_WRITE_MODE: write-back (default) | write-through
  int64_t sync_max_doc_bytes = 256 << 10;   // REALTIME_SYNC_MAX_DOC_BYTES (serialized data; 413 above)
  int sync_max_depth = 32;                  // REALTIME_SYNC_MAX_DEPTH (nesting of data; 400 above)
  int sync_flush_delay_ms = 0;              // REALTIME_SYNC_FLUSH_DELAY_MS (write-back: wait before the async flush)
  int sync_sweep_interval_ms = 5000;        // REALTIME_SYNC_SWEEP_INTERVAL_MS (dirty sweep + expiry purge)

  std::string cdc_database_url;                   // CDC_DATABASE_URL
  int cdc_poll_interval_ms = 1000;                // CDC_POLL_INTERVAL_MS
  std::string cdc_slot_name = "realtime_cdc_slot";  // CDC_SLOT_NAME
  bool cdc_set_replica_identity = true;             // CDC_SET_REPLICA_IDENTITY (docs/cdc.md)

  int threads = 0;                             // REALTIME_THREADS (0 = number of cores)
  int64_t max_body_bytes = 1 << 20;            // REALTIME_MAX_BODY_BYTES
  int64_t max_header_bytes = 16 << 10;         // REALTIME_MAX_HEADER_BYTES
  int read_timeout_ms = 30000;                 // REALTIME_READ_TIMEOUT_MS (request read / keep-alive idle)
  int shutdown_timeout_ms = 8000;              // REALTIME_SHUTDOWN_TIMEOUT_MS

  // Realtime path.
  int64_t max_event_payload_bytes = 64 << 10;  // REALTIME_MAX_PAYLOAD_BYTES (event payloads)
  int64_t ws_max_message_bytes = 1 << 20;      // REALTIME_WS_MAX_MESSAGE_BYTES (client messages; 1009 above)
  int64_t ws_max_queue_bytes = 4 << 20;        // REALTIME_WS_MAX_QUEUE_BYTES (per connection; 4008 above)
  int ws_ping_interval_ms = 25000;             // REALTIME_WS_PING_INTERVAL_MS
  int ws_ping_timeout_ms = 20000;              // REALTIME_WS_PING_TIMEOUT_MS
  int ws_auth_timeout_ms = 10000;              // REALTIME_WS_AUTH_TIMEOUT_MS
  int ws_rate_per_second = 1000;               // REALTIME_WS_RATE_PER_SECOND (client messages; 0 = no limit)
  int ws_rate_burst = 2000;                    // REALTIME_WS_RATE_BURST

  // Bounds (docs/architecture.md, "Bounded memory").
  int max_connections = 100000;                // REALTIME_MAX_CONNECTIONS (/ws + Engine.IO sessions; 503 above)
  int max_connections_per_ip = 0;              // REALTIME_MAX_CONNECTIONS_PER_IP (0 = off: behind a proxy all share one)
  int max_subscriptions_per_connection = 1000;  // REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION (LIMIT_EXCEEDED)
  int max_channels_per_connection = 1000;       // REALTIME_MAX_CHANNELS_PER_CONNECTION (LIMIT_EXCEEDED)
  int blocking_queue_max = 10000;              // REALTIME_BLOCKING_QUEUE_MAX (queued REST requests; 503 above)
  // REALTIME_BLOCKING_THREADS: threads running REST handlers that block on the database (at
  // least REALTIME_DB_POOL_MAX). Many, because a document write waits for its group commit
  // (sync/group_commit.h) and the batch can only be as large as the writers waiting.
  int blocking_threads = 64;
  int64_t hub_inbox_max_bytes = 64 << 20;      // REALTIME_HUB_INBOX_MAX_BYTES (per I/O thread; dropped + counted above)
  int64_t hub_coalesce_us = 1000;              // REALTIME_HUB_COALESCE_US: a busy shard's flush may wait ≤ this (0: never)

  // Socket.IO / Engine.IO.
  bool socketio_conformance = false;    // REALTIME_SOCKETIO_CONFORMANCE (refused in production)
  int socketio_ping_interval_ms = 25000;  // REALTIME_SOCKETIO_PING_INTERVAL_MS (conformance: 300)
  int socketio_ping_timeout_ms = 20000;   // REALTIME_SOCKETIO_PING_TIMEOUT_MS (conformance: 200)
  int socketio_max_payload = 1000000;     // REALTIME_SOCKETIO_MAX_PAYLOAD
  int socketio_upgrade_timeout_ms = 10000;  // REALTIME_SOCKETIO_UPGRADE_TIMEOUT_MS
  int socketio_connect_timeout_ms = 45000;  // REALTIME_SOCKETIO_CONNECT_TIMEOUT_MS
  std::string cors_origins;  // CORS_ORIGINS: "*" any origin (no credentials), a comma list, "" none
                             // (unset: "*" in development, "" elsewhere; net/cors.h)

  // Workers and webhooks (docs/jobs.md, docs/webhooks.md).
  bool workers = true;                 // REALTIME_WORKERS: on | off (`serve` runs the queue consumers unless off)
  int worker_poll_ms = 200;            // REALTIME_WORKER_POLL_MS: idle queue poll interval
  std::string secret_key;              // REALTIME_SECRET_KEY: encrypts webhook secrets (else <data dir>/secret.key)
  bool webhook_allow_http = false;     // REALTIME_WEBHOOK_ALLOW_HTTP (unset: true in development)
  bool webhook_allow_private = false;  // REALTIME_WEBHOOK_ALLOW_PRIVATE (unset: true in development)
  int webhook_timeout_ms = 10000;      // REALTIME_WEBHOOK_TIMEOUT_MS
  std::string webhook_ca_file;         // REALTIME_WEBHOOK_CA_FILE: extra trusted CAs (PEM)
  int webhook_max_retries = 5;         // REALTIME_WEBHOOK_MAX_RETRIES (attempts = 1 + retries)
  int webhook_retry_base_ms = 1000;    // REALTIME_WEBHOOK_RETRY_BASE_MS
  int webhook_retry_max_ms = 60000;    // REALTIME_WEBHOOK_RETRY_MAX_MS
  int webhook_concurrency = 256;       // REALTIME_WEBHOOK_CONCURRENCY: deliveries in flight per worker
  int webhook_log_retention_days = 7;  // REALTIME_WEBHOOK_LOG_RETENTION_DAYS

  // Database CDC (docs/database.md). CDC_EVENT_RETENTION: "<days>d", "<rows>" or "<days>d,<rows>"
  // (either part alone keeps the other's default); events older than the days, then all but the
  // newest rows, are pruned.
  int cdc_event_retention_days = 7;
  int64_t cdc_event_retention_rows = 1000000;

  // Monitoring (docs/monitoring.md).
  int metrics_max_topics = 200;  // REALTIME_METRICS_MAX_TOPICS: topics with their own series
  int metrics_tick_ms = 5000;    // REALTIME_METRICS_TICK_MS: the dashboard's sampling period
  int alerts_tick_ms = 5000;     // REALTIME_ALERTS_TICK_MS: the alert evaluator's period
  bool metrics_enabled = true;   // REALTIME_METRICS=off: no per-topic counts or latency samples (bench baseline)
  int metrics_port = -1;         // METRICS_PORT: serve the scrape there only (-1: on PORT; 0: any free port)
  std::string metrics_token;     // METRICS_TOKEN: when set, the scrape needs Authorization: Bearer <it>
  int64_t analytics_window_s = 60;            // REALTIME_ANALYTICS_WINDOW: the analytics rows' window (1 s to 1 d)
  int64_t analytics_retention_s = 30 * 86400;  // REALTIME_ANALYTICS_RETENTION: analytics rows kept this long
  // Event traces (docs/debugger.md "Traces").
  double trace_sample = 1.0;               // REALTIME_TRACE_SAMPLE: fraction of events traced, 0 to 1
  int64_t trace_retention_s = 86400;       // REALTIME_TRACE_RETENTION: traces kept this long
  int64_t trace_max = 1000000;             // REALTIME_TRACE_MAX: at most this many traces kept
  int trace_prune_interval_ms = 300000;    // REALTIME_TRACE_PRUNE_INTERVAL_MS: how often they are pruned

  // Admin identity (docs/security.md "Admin users").
  int64_t session_ttl_s = 12 * 3600;  // REALTIME_SESSION_TTL: seconds, or with s|m|h|d; sliding
  int64_t invite_ttl_s = 7 * 86400;   // REALTIME_INVITE_TTL: how long an invite link is valid
  int password_min_length = 12;       // REALTIME_PASSWORD_MIN_LENGTH
  std::string smtp_url;               // SMTP_URL: smtp://[user:pass@]host[:port] or smtps://…
  std::string smtp_from;              // SMTP_FROM (default realtime@<host of PUBLIC_URL>)
  std::string public_url = "http://localhost:3000";  // REALTIME_PUBLIC_URL: base of invite/reset links

  bool development() const { return node_env == "development"; }
  bool production() const { return node_env == "production"; }
  bool uses_postgres() const { return !database_url.empty(); }
};

Result<Config> LoadConfig(const EnvMap& env);

const char* LogLevelName(LogLevel level);

}  // namespace rt
