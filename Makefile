# The README's commands. Every target installs missing dependencies first (scripts/install-deps.sh).
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
SPLITLEAK = $(BUILD)/cli/splitleak

.PHONY: all deps configure build build-cli test test-sanitize fuzz quickstart bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

# Every target: the executables, the tests and the benchmarks.
build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Only what the command line runs: the splitleak executable, the enclave child it starts
# (runtime.tee.backend: process) and the libraries they link; no test or benchmark.
build-cli: configure
	@cmake --build $(BUILD) -j $(JOBS) --target splitleak splitleak-enclave

# Every test through ctest; under CI (CI=true) the core suites also run once under ASan+UBSan,
# and every fuzz target for 20 seconds.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@if [ -n "$$CI" ]; then $(MAKE) --no-print-directory test-sanitize && \
	  FUZZ_SEED=1 $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20; fi

test-sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPLITLEAK_SANITIZE=ON \
	  -DSPLITLEAK_ONLY_CORE=ON -DSPLITLEAK_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Every libFuzzer target (fuzz/, docs/fuzzing.md) built with clang under ASan+UBSan, then run for
# FUZZ_SECONDS each from its seed corpus; fails on a crash, leak, timeout or out-of-memory. Built
# without MPI, so CI also compiles the experiments' single-process path (cluster_alone.cpp).
fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DSPLITLEAK_FUZZ=ON -DSPLITLEAK_BUILD_TESTS=OFF -DSPLITLEAK_BUILD_BENCH=OFF -DSPLITLEAK_MPI=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	bash scripts/run_fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The quick-start experiment (experiments/quickstart.yaml), in a fresh run directory under runs/
# each time (created here: splitleak itself creates only the run directory); prints where the
# report is and the recommended cut.
quickstart: build-cli
	@mkdir -p runs
	@$(SPLITLEAK) run experiments/quickstart.yaml --out runs/quickstart-$$(date +%Y%m%d-%H%M%S)

# Engine benchmarks, then PyTorch on the same shapes and thread count (bench/RESULTS.md).
bench: build
	$(BUILD)/bench/bench_conv --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
	$(BUILD)/bench/bench_datasets --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
	/usr/bin/python3 bench/torch_conv.py --threads $(JOBS)
	for m in vgg16 resnet50 efficientnet_b0; do $(SPLITLEAK) bench forward --model $$m --iters 15 --threads $(JOBS); done
	/usr/bin/python3 bench/torch_forward.py --iters 15 --threads $(JOBS)
	for s in "32 16" "64 8" "256 2"; do set -- $$s; \
	  $(SPLITLEAK) bench cgan-step --image-size $$1 --feat-channels 64 --batch $$2 --steps 5 --threads $(JOBS); \
	  /usr/bin/python3 bench/torch_cgan_step.py --image-size $$1 --feat-channels 64 --batch $$2 --steps 5 --threads $(JOBS); done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
