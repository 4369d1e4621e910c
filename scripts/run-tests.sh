#!/usr/bin/env bash
# Runs the test suites against a throwaway PostgreSQL + Redis (scripts/test-services.sh),
# stopping them afterwards whatever happens. Fails if any suite fails.
#
# Usage: scripts/run-tests.sh all|unit|integration|e2e|sdk|ui|asan|fuzz
#   all = unit + integration + e2e + sdk + ui on build/, then the ASan+UBSan build of unit + integration
#         (and tests/e2e/shutdown.test.mjs against its realtime binary), then 10 s of every fuzz target.
#   ui = the admin UI: its vitest component tests (admin-ui/), then tests/ui/ in Debian's Chromium
#        (playwright-core, axe-core) against build/bin/realtime serving the embedded UI.
#   fuzz = every libFuzzer target for FUZZ_SECONDS (default 10) in build-fuzz/ (scripts/fuzz.sh).
#   sdk = the TypeScript SDK in sdk/: npm ci, build, type-check, unit tests, integration tests of
#         the packed package against build/bin/realtime, README examples type-checked (no services).
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
BUILD_DIR=${BUILD_DIR:-build}
ASAN_DIR=${ASAN_DIR:-build-asan}

needs_services=1
[[ "$what" == unit || "$what" == sdk || "$what" == fuzz ]] && needs_services=0
if (( needs_services )); then
  scripts/test-services.sh start
  trap 'scripts/test-services.sh stop >/dev/null 2>&1 || true' EXIT
  eval "$(scripts/test-services.sh env)"
  export REALTIME_REQUIRE_PG=1 REALTIME_REQUIRE_REDIS=1
fi

run_unit() { echo "== unit ($1)"; "$1/bin/unit_tests" --gtest_brief=1; }
run_integration() { echo "== integration ($1)"; "$1/bin/integration_tests" --gtest_brief=1; }
run_e2e() {
  echo "== e2e"
  if [[ -f tests/e2e/package-lock.json ]]; then npm ci --prefix tests/e2e --no-audit --no-fund --silent; fi
  # `make test` builds admin-ui/dist first: the admin UI serving test must not skip here.
  REALTIME_REQUIRE_UI=1 REALTIME_BIN="$PWD/$BUILD_DIR/bin/realtime" node --test --test-concurrency=1 tests/e2e/
}
run_sdk() {
  echo "== sdk"
  npm ci --prefix sdk --no-audit --no-fund --silent
  (
    export REALTIME_BIN="$PWD/$BUILD_DIR/bin/realtime"
    cd sdk
    npm run --silent build
    npm run --silent typecheck
    npm run --silent test:unit
    npm run --silent test:integration
    npm run --silent test:readme
  )
}
run_ui() {
  echo "== ui"
  if [[ ! -d admin-ui/node_modules ]]; then npm ci --prefix admin-ui --no-audit --no-fund --silent; fi
  (cd admin-ui && npm run --silent typecheck && npx vitest run --reporter=dot)
  npm ci --prefix tests/ui --no-audit --no-fund --silent
  # One file at a time; a browser file that fails is run once more (Playwright's `retries: 1`:
  # a real browser on two loaded cores has timing flakes) and fails the suite if it fails again.
  local f
  for f in tests/ui/*.test.mjs; do
    if ! REALTIME_BIN="$PWD/$BUILD_DIR/bin/realtime" node --test --test-concurrency=1 "$f"; then
      echo "== ui: $f failed; running it once more"
      REALTIME_BIN="$PWD/$BUILD_DIR/bin/realtime" node --test --test-concurrency=1 "$f"
    fi
  done
}
run_asan() {
  # -O0: the sanitizers do not need the optimizer, and this build is compile-bound on two cores.
  cmake -S . -B "$ASAN_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREALTIME_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" >/dev/null
  cmake --build "$ASAN_DIR" -j "$(nproc)" --target unit_tests integration_tests realtime
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_unit "$ASAN_DIR"
  run_integration "$ASAN_DIR"
  # Shutdown with connections outliving the drain, under ASan: a use-after-free shows up here.
  echo "== e2e shutdown ($ASAN_DIR)"
  if [[ ! -d tests/e2e/node_modules ]]; then npm ci --prefix tests/e2e --no-audit --no-fund --silent; fi
  REALTIME_BIN="$PWD/$ASAN_DIR/bin/realtime" node --test --test-concurrency=1 tests/e2e/shutdown.test.mjs
}

run_fuzz() { echo "== fuzz"; FUZZ_SECONDS=${FUZZ_SECONDS:-10} scripts/fuzz.sh; }

case "$what" in
  unit) run_unit "$BUILD_DIR" ;;
  integration) run_integration "$BUILD_DIR" ;;
  e2e) run_e2e ;;
  sdk) run_sdk ;;
  ui) run_ui ;;
  asan) run_asan ;;
  fuzz) run_fuzz ;;
  all)
    run_unit "$BUILD_DIR"
    run_integration "$BUILD_DIR"
    run_e2e
    run_sdk
    run_ui
    run_asan
    run_fuzz
    ;;
  *) echo "usage: $0 all|unit|integration|e2e|sdk|ui|asan|fuzz" >&2; exit 2 ;;
esac
echo "== all requested suites passed ($what)"
