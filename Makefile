# Thin front door: CMake does the work. `make demo` runs the main job on the
# bundled example; `make check` builds and runs every test (also under
# AddressSanitizer + UndefinedBehaviorSanitizer). Both install missing Debian
# packages first, so they work on a fresh machine.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_GEN  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

# Build and test dependencies, all from Debian's archive.
DEB_BUILD := build-essential cmake pkg-config libsqlite3-dev sqlite3 \
             libexpat1-dev zlib1g-dev libutf8proc-dev libjansson-dev libgsl-dev \
             libcairo2-dev liblinear-dev libmicrohttpd-dev libsodium-dev libssl-dev \
             libcmocka-dev fonts-dejavu-core tmux curl
DEB_FUZZ  := clang libclang-rt-14-dev
DEB_WEB   := chromium
# Peers the benchmarks compare against (not needed by the tests).
DEB_BENCH := python3-biopython python3-sklearn python3-xapian xapian-tools \
             r-cran-metafor hyperfine

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-bench build check demo bench fuzz clean web-deps

all: build

# Install whatever is missing (non-interactive). Node.js comes from Debian too
# when the machine has none.
deps:
	@missing=""; for p in $(DEB_BUILD) $(DEB_FUZZ) $(DEB_WEB); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "evident: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-bench: deps
	@missing=""; for p in $(DEB_BENCH); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEV_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

check: build
	@[ -d tests/browser/node_modules/playwright-core ] || npm ci --prefix tests/browser --no-audit --no-fund
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DEV_WERROR=ON -DEV_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	@echo "== tests (release build) =="
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@echo "== tests (ASan + UBSan) =="
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -LE nosan

demo: build
	@sh examples/demo.sh $(BUILD)

bench: build deps-bench
	@sh bench/run.sh $(BUILD)

# Run every libFuzzer harness for FUZZ_SECONDS each (clang, ASan).
FUZZ_SECONDS ?= 60
fuzz: deps
	CC=clang cmake -S . -B build-fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DEV_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	@sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
