# The README's two commands, and a few more for developers.
#   make demo   set up, build, run the scenario suite on the reference pipeline; print where the report is
#   make test   set up, build, run every test (the sanitizer pass, the fuzz targets briefly); what CI runs
#   make fuzz   build the libFuzzer targets and run each for FUZZ_SECONDS (default 300)
#   make fuzz-policy FUZZ_CASES=5000   rehearse fuzz on both shipped policies, fresh seeds printed
#   make seed-sweep SEEDS=1-100   the scenario suite under each of those seeds
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
# How long CI runs each fuzz target (seven targets; docs/HARDENING.md has the numbers).
FUZZ_CI_SECONDS ?= 20
JOBS       ?= $(shell nproc)
OUT        ?= out
CMAKE_FLAGS ?=

REHEARSE := $(BUILD)/apps/rehearse/rehearse

.PHONY: all setup configure build demo golden seed-sweep fuzz-policy smoke test test-fast test-sanitize fuzz-build fuzz test-fuzz bench clean

all: build

setup:
	@scripts/setup.sh

configure: setup
	@test -f $(BUILD)/build.ninja || cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

# The main job: the scripted scenario suite on the reference pipeline, with a report.
demo: build
	@$(REHEARSE) run scenarios --jobs $(JOBS) --report $(OUT)/report --junit $(OUT)/junit.xml

# The suite under many seeds: every scenario under each of SEEDS (1-100, 1,5,9), then the failing
# (scenario, seed) pairs with their replay commands; traces of failed runs in $(OUT)/seed-sweep.
# The golden traces (scenarios/golden/) brought up to date with this build; review the diff: every
# changed line is a change of behaviour (CI replays them as Golden.* tests).
golden: build
	@REHEARSE=$(REHEARSE) scripts/record-golden.sh

# Negatives are included: a negative scenario passes when it fires exactly the oracles it names.
SEEDS ?= 1-100
seed-sweep: build
	@$(REHEARSE) run scenarios --seeds $(SEEDS) --jobs $(JOBS) --report $(OUT)/seed-sweep

# rehearse fuzz on both shipped policies with a fresh seed, printed first so a failure replays
# (docs/FUZZING.md); CI runs pinned seeds through ctest (Fuzz.*). FUZZ_SEED=N pins one here.
FUZZ_CASES ?= 5000
FUZZ_SEED ?= $(shell date +%s)
fuzz-policy: build
	@echo "fuzz-policy: seed $(FUZZ_SEED), $(FUZZ_CASES) cases per policy"
	@$(REHEARSE) fuzz --cases $(FUZZ_CASES) --seed $(FUZZ_SEED) --jobs $(JOBS) --out $(OUT)/fuzz
	@$(REHEARSE) fuzz --cases $(FUZZ_CASES) --seed $(FUZZ_SEED) --jobs $(JOBS) --out $(OUT)/fuzz \
	  --policy scenarios/policies/strict.yaml

# The simulation core's sample world and a loopback load check (the foundation's smoke tests).
smoke: build
	@mkdir -p $(OUT)
	@$(REHEARSE) sim-check --seed 1 --days 7 --shoppers 200 --trace $(OUT)/sample-world-trace.jsonl
	@$(REHEARSE) live-check --requests 20000 --connections 16

test-fast: build
	@ctest --test-dir $(BUILD) -j$(JOBS) --output-on-failure

# The tests labelled "sanitize" again under AddressSanitizer and UndefinedBehaviorSanitizer, at
# -O1 with line tables only (ASan's advice; it also keeps CI's second build short).
test-sanitize: setup
	@test -f $(ASAN_BUILD)/build.ninja || cmake -S . -B $(ASAN_BUILD) -G Ninja -DREHEARSAL_SANITIZE=ON \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DREHEARSAL_BUILD_BENCHMARKS=OFF -DREHEARSAL_BUILD_APPS=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target sanitize_tests
	@ctest --test-dir $(ASAN_BUILD) -j$(JOBS) -L sanitize --output-on-failure

# The libFuzzer targets (tests/fuzz) in their own configuration: clang 14, ASan and UBSan, -O1
# with line tables, only the libraries they need.
fuzz-build: setup
	@test -f $(FUZZ_BUILD)/build.ninja || cmake -S . -B $(FUZZ_BUILD) -G Ninja -DREHEARSAL_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
	  -DREHEARSAL_BUILD_BENCHMARKS=OFF -DREHEARSAL_BUILD_APPS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_targets

fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) fuzz-out

# CI: every target briefly, zero findings required.
test-fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_CI_SECONDS) $(FUZZ_BUILD)/fuzz-out

test: test-fast test-sanitize test-fuzz

bench: build
	@$(BUILD)/bench/bench_sim
	@$(BUILD)/bench/bench_pipeline
	@$(BUILD)/bench/bench_harness
	@if [ -x $(BUILD)/bench/bench_live ]; then $(BUILD)/bench/bench_live; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(OUT) fuzz-out
