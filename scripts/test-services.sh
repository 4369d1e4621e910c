#!/usr/bin/env bash
# Throwaway PostgreSQL 15 + Redis for the integration tests, on loopback only.
#
# Usage: scripts/test-services.sh start|stop|status|env
#   start   wipe the state dir, start both servers, wait until they answer
#   stop    stop both servers (fine if they are already stopped)
#   status  say whether each server answers; exit 1 if either is down
#   env     print `export` lines for the tests: eval "$(scripts/test-services.sh env)"
#
# Settings (environment):
#   TEST_SERVICES_DIR  state dir       (default /tmp/realtime-test-services)
#   TEST_PG_PORT       PostgreSQL port (default 55432)
#   TEST_REDIS_PORT    Redis port      (default 56379)
#   TEST_PG_WAL_LEVEL  wal_level       (default logical; the CDC e2e starts a `replica` one)
set -euo pipefail

DIR=${TEST_SERVICES_DIR:-/tmp/realtime-test-services}
PG_PORT=${TEST_PG_PORT:-55432}
REDIS_PORT=${TEST_REDIS_PORT:-56379}
WAL_LEVEL=${TEST_PG_WAL_LEVEL:-logical}
PG_BIN=/usr/lib/postgresql/15/bin
TIMEOUT=30

PG_ROOT=$DIR/pg
PG_DATA=$PG_ROOT/data
PG_SOCK=$PG_ROOT/sock
PG_LOG=$PG_ROOT/postgres.log
REDIS_ROOT=$DIR/redis
REDIS_PID=$REDIS_ROOT/redis.pid
REDIS_LOG=$REDIS_ROOT/redis.log

PG_URL="postgresql://realtime:realtime@127.0.0.1:$PG_PORT/realtime_test"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

say() { echo "test-services: $*"; }
die() { echo "test-services: error: $*" >&2; exit 1; }

# Print the last lines of a log file to stderr (if it exists).
log_tail() {
    if [[ -f "$1" ]]; then
        echo "--- last lines of $1 ---" >&2
        tail -n 40 "$1" >&2
        echo "---" >&2
    fi
}

# Run a PostgreSQL server binary: as user postgres when we are root
# (initdb and postgres refuse to run as root), else as ourselves.
as_pg() {
    if (( EUID == 0 )); then
        # cd somewhere postgres may read, to avoid "could not change directory" noise.
        (cd "$PG_ROOT" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Retry "$@" every 0.2 s until it succeeds or TIMEOUT seconds pass.
wait_for() {
    local deadline=$((SECONDS + TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        (( SECONDS < deadline )) || return 1
        sleep 0.2
    done
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; }
redis_ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

# Is the pid in file $1 alive and running a program whose name contains $2?
pidfile_alive() {
    local pid
    [[ -f "$1" ]] || return 1
    pid=$(head -n 1 "$1" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    grep -q "$2" "/proc/$pid/comm" 2>/dev/null
}

stop_pg() {
    if pidfile_alive "$PG_DATA/postmaster.pid" postgres; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t "$TIMEOUT" >/dev/null ||
            die "pg_ctl could not stop the server in $PG_DATA"
        say "postgres stopped"
    fi
}

stop_redis() {
    local pid
    if pidfile_alive "$REDIS_PID" redis; then
        pid=$(head -n 1 "$REDIS_PID")
        # SIGTERM by pid (not redis-cli on a port, which might now be another
        # redis); with no save points configured, redis exits without saving.
        kill "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + TIMEOUT))
        while kill -0 "$pid" 2>/dev/null; do
            (( SECONDS < deadline )) || die "redis (pid $pid) did not stop"
            sleep 0.2
        done
        say "redis stopped"
    fi
}

start_pg() {
    [[ -x "$PG_BIN/initdb" ]] || die "$PG_BIN/initdb not found (install postgresql: scripts/install-deps.sh)"
    if (( EUID == 0 )); then
        id postgres >/dev/null 2>&1 || die "user postgres does not exist (install postgresql)"
    fi

    mkdir -p "$PG_DATA" "$PG_SOCK"
    chmod 700 "$PG_DATA"
    if (( EUID == 0 )); then chown -R postgres:postgres "$PG_ROOT"; fi

    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1 ||
        { log_tail "$PG_ROOT/initdb.log"; die "initdb failed"; }

    # Loopback only, logical replication on, durability off (tests only).
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- scripts/test-services.sh ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
wal_level = $WAL_LEVEL
max_replication_slots = 10
max_wal_senders = 10
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    # Trust everything local; nothing else may connect.
    cat >"$PG_DATA/pg_hba.conf" <<EOF
local all         all                trust
local replication all                trust
host  all         all  127.0.0.1/32  trust
host  replication all  127.0.0.1/32  trust
EOF

    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" start >/dev/null 2>&1 ||
        { log_tail "$PG_LOG"; die "postgres did not start on port $PG_PORT"; }
    wait_for pg_ready || { log_tail "$PG_LOG"; die "postgres not ready after ${TIMEOUT}s"; }

    # Test role and database.
    "$PG_BIN/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
        -c "CREATE ROLE realtime LOGIN SUPERUSER REPLICATION PASSWORD 'realtime'" \
        -c "CREATE DATABASE realtime_test OWNER realtime" >/dev/null ||
        die "could not create role/database"
    say "postgres 15 ready on 127.0.0.1:$PG_PORT (data in $PG_DATA)"
}

start_redis() {
    command -v redis-server >/dev/null || die "redis-server not found (install redis-server: scripts/install-deps.sh)"
    mkdir -p "$REDIS_ROOT"
    # No persistence; daemonized with a pidfile in the state dir.
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
        --save '' --appendonly no \
        --daemonize yes --pidfile "$REDIS_PID" \
        --logfile "$REDIS_LOG" --dir "$REDIS_ROOT" ||
        { log_tail "$REDIS_LOG"; die "redis-server failed to start"; }
    wait_for redis_ready || { log_tail "$REDIS_LOG"; die "redis not ready on port $REDIS_PORT after ${TIMEOUT}s"; }
    say "redis ready on 127.0.0.1:$REDIS_PORT"
}

cmd_start() {
    # Refuse to wipe something that is obviously not a state dir of ours.
    case "$DIR" in
        ""|/|/tmp|/tmp/|"${HOME:-/}"|"${HOME:-/}"/) die "refusing to use TEST_SERVICES_DIR=$DIR" ;;
    esac

    # Stop whatever a previous run left behind, then start clean.
    stop_pg
    stop_redis
    if port_in_use "$PG_PORT"; then
        die "port $PG_PORT is in use by another process (set TEST_PG_PORT)"
    fi
    if port_in_use "$REDIS_PORT"; then
        die "port $REDIS_PORT is in use by another process (set TEST_REDIS_PORT)"
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chmod 755 "$DIR"

    # If anything below fails, do not leave a half-started pair running.
    trap 'rc=$?; if (( rc )); then trap - EXIT; stop_pg; stop_redis; fi; exit $rc' EXIT
    start_pg
    start_redis
    trap - EXIT
}

cmd_stop() {
    stop_pg
    stop_redis
}

cmd_status() {
    local rc=0
    if pg_ready; then say "postgres up on $PG_PORT"; else say "postgres down on $PG_PORT"; rc=1; fi
    if redis_ready; then say "redis up on $REDIS_PORT"; else say "redis down on $REDIS_PORT"; rc=1; fi
    return $rc
}

cmd_env() {
    echo "export REALTIME_TEST_PG_URL=$PG_URL"
    echo "export REALTIME_TEST_REDIS_URL=$REDIS_URL"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
