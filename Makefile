# The two commands of the README:
#   make run   - install what is missing, build (the admin UI too), start the server on :3000,
#                which serves the admin UI at http://localhost:3000/
#   make test  - build and run every test (unit, integration on PostgreSQL, e2e, ASan+UBSan)
BUILD_DIR  ?= build
ASAN_DIR   ?= build-asan
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)

.PHONY: all deps deps-runtime ui configure build run test test-unit test-integration test-e2e test-asan asan bench-micro bench bench-smoke bench-build fuzz clean

all: build

deps:
	@scripts/install-deps.sh

deps-runtime:
	@scripts/install-deps.sh --runtime-only

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD_DIR)/build.ninja

# The admin UI (admin-ui/ -> admin-ui/dist, npm ci + vite build), skipped when up to date; the
# server build embeds admin-ui/dist (docs/admin-ui.md "Served by the binary").
ui: deps-runtime
	@scripts/build-ui.sh

build: deps-runtime ui configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/realtime serve

# Everything, with a throwaway PostgreSQL (wal_level=logical) and Redis on loopback.
test: deps ui configure
	cmake --build $(BUILD_DIR) -j $(JOBS)
	scripts/run-tests.sh all

test-unit: build
	$(BUILD_DIR)/bin/unit_tests

test-integration: build
	scripts/run-tests.sh integration

test-e2e: build
	scripts/run-tests.sh e2e

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREALTIME_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1"

asan: $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS) --target unit_tests integration_tests

test-asan: asan
	scripts/run-tests.sh asan

# libFuzzer targets (fuzz/, clang-14, ASan+UBSan, build dir build-fuzz): each runs FUZZ_SECONDS
# from the committed seeds in fuzz/corpus/; new inputs go to build-fuzz/corpus-work/, a crash to
# build-fuzz/artifacts/ and fails the run. docs/fuzzing.md.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# Micro-benchmarks of filter evaluation and local fan-out (prints figures).
bench-micro: build
	$(BUILD_DIR)/bin/micro_bench

# The load generator against our server and the Node.js peers (ws@8, socket.io@4), side by side:
# prints the table and writes bench/results/<date>.md (docs/performance.md). Takes ~10 minutes;
# run it on a quiet machine. bench-smoke: every scenario at tiny sizes (< 2 min), asserts only
# that each one runs and prints figures (for CI).
bench-build: deps-runtime configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target realtime loadgen micro_bench bare_beast

bench: bench-build
	BUILD_DIR=$(BUILD_DIR) bench/bench.sh

bench-smoke: bench-build
	BUILD_DIR=$(BUILD_DIR) bench/bench.sh --smoke

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
