#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang-14, ASan+UBSan) in build-fuzz/ and runs each one
# for FUZZ_SECONDS (default 60), seeded from the committed corpus fuzz/corpus/<target>/. New
# corpus entries go to build-fuzz/corpus-work/<target>/ (never into the repository); a crashing
# input is saved as build-fuzz/artifacts/<target>/crash-… and named in the output, and the
# script then exits non-zero. Logs: build-fuzz/logs/<target>.log. docs/fuzzing.md explains more.
#
# Usage: scripts/fuzz.sh [target…]       (default: every target)
#   FUZZ_SECONDS=180 scripts/fuzz.sh mutation jwt
#   FUZZ_JOBS=2  runs that many targets at once (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
all_targets=(ws_frame eio_sio native_protocol filter mutation json_merge_diff jwt dotenv pgoutput)
targets=("$@")
(( ${#targets[@]} )) || targets=("${all_targets[@]}")

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
cmake -S . -B "$FUZZ_DIR" -G Ninja -DREALTIME_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$FUZZ_DIR" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$FUZZ_DIR/logs"

# Runs one target; prints one summary line; returns non-zero on a crash.
run_one() {
  local t=$1 work="$FUZZ_DIR/corpus-work/$1" art="$FUZZ_DIR/artifacts/$1/" log="$FUZZ_DIR/logs/$1.log"
  mkdir -p "$work" "$art"
  local rc=0
  "$FUZZ_DIR/bin/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$art" "$work" "fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  local execs secs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1 || true)
  if (( rc )); then
    local crash
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1 || true)
    echo "fuzz: $t FAILED (exit $rc) after ${execs:-?} executions; input: ${crash:-see log}; log: $log"
    grep -E 'FUZZ_CHECK|runtime error|ERROR: AddressSanitizer|exception escaped|ERROR: libFuzzer' "$log" | head -5 | sed 's/^/  /' || true
    return 1
  fi
  echo "fuzz: $t ok: ${execs:-?} executions in ${secs:-$FUZZ_SECONDS} s, corpus $(ls "$work" | wc -l) entries in $work"
}

failed=()
pids=() names=()
for t in "${targets[@]}"; do
  run_one "$t" >"$FUZZ_DIR/logs/$t.summary" &
  pids+=($!) names+=("$t")
  if (( ${#pids[@]} >= FUZZ_JOBS )); then
    wait "${pids[0]}" || failed+=("${names[0]}")
    cat "$FUZZ_DIR/logs/${names[0]}.summary"
    pids=("${pids[@]:1}") names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
  cat "$FUZZ_DIR/logs/${names[$i]}.summary"
done

if (( ${#failed[@]} )); then
  echo "fuzz: FAILED: ${failed[*]} (crashing inputs under $FUZZ_DIR/artifacts/; reproduce: $FUZZ_DIR/bin/fuzz_<target> <input>)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${FUZZ_SECONDS} s each without a crash"
