#!/usr/bin/env bash
# Install the Debian packages this project needs (see DESIGN.md section 2).
# Idempotent: only packages that are not yet installed are passed to apt-get,
# and nothing is printed when everything is already present.
#
# Usage: scripts/install-deps.sh [--runtime-only]
#   --runtime-only  skip the test services (postgresql, redis-server) and the fuzzing
#                   toolchain (clang-14, libFuzzer); enough for building and `make run`.
set -euo pipefail

runtime_only=0
for arg in "$@"; do
    case "$arg" in
        --runtime-only) runtime_only=1 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "install-deps: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# Toolchain and build helpers.
build_pkgs=(build-essential cmake ninja-build ccache pkg-config git curl)
# The fuzz targets (make fuzz, scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes.
fuzz_pkgs=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
# C++ libraries.
lib_pkgs=(
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libssl-dev libpq-dev libsqlite3-dev libspdlog-dev libfmt-dev
    libhiredis-dev libgtest-dev libgmock-dev libbenchmark-dev
    libvalijson-dev libqrencode-dev libcrypt-dev libcurl4-openssl-dev
)
# Services used by the integration tests (scripts/test-services.sh), and the CLIs the tests use.
# oathtool: TOTP codes for the MFA tests; python3-aiosmtpd: the SMTP sink of the mailer tests;
# prometheus: promtool checks the metrics exposition (tests/e2e/metrics.test.mjs).
# chromium: the admin UI tests (tests/ui, driven by playwright-core).
service_pkgs=(postgresql postgresql-client redis-server openssl oathtool python3-aiosmtpd prometheus chromium)  # openssl: the test CAs of the webhook TLS tests; psql: the CDC e2e
# SDK / admin UI tooling. Skipped if a Node >= 18 is already on PATH
# (e.g. Node 20 from another source, which bundles its own npm).
node_pkgs=(nodejs npm)

if command -v node >/dev/null 2>&1; then
    node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [[ "$node_major" =~ ^[0-9]+$ ]] && (( node_major >= 18 )); then
        node_pkgs=()
    fi
fi

# Collect, per group, the packages dpkg does not report as fully installed.
missing=()
report=()
check_group() {
    local name=$1; shift
    local pkg status group_missing=()
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [[ "$status" != "install ok installed" ]]; then
            group_missing+=("$pkg")
        fi
    done
    if (( ${#group_missing[@]} )); then
        missing+=("${group_missing[@]}")
        report+=("install-deps: installing $name: ${group_missing[*]}")
    fi
}

check_group build "${build_pkgs[@]}"
if (( ! runtime_only )); then check_group fuzzing "${fuzz_pkgs[@]}"; fi
check_group libraries "${lib_pkgs[@]}"
if (( ${#node_pkgs[@]} )); then check_group node "${node_pkgs[@]}"; fi
if (( ! runtime_only )); then check_group services "${service_pkgs[@]}"; fi

if (( ${#missing[@]} == 0 )); then
    exit 0
fi

# Use sudo only when not already root.
sudo=()
if (( EUID != 0 )); then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi

printf '%s\n' "${report[@]}"

# Keep apt's output in a log; show its tail only if something fails.
log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX.log")
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    echo "install-deps: apt-get failed; last lines of its output:" >&2
    tail -n 30 "$log" >&2
    exit 1
fi
