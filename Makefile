# The two commands of the README, and a few more for developers.
#   make run    install what is missing, build (the server and the web UI in web/dist),
#               create var/ungcuu.db with demo data, serve (the web UI at /app/)
#   make test   the same set-up, then every test (unit, fuzz replay, integration, browser)
#   make bench  a benchmark, release build: BENCH=api (default), auth, mail, pwned, leaks,
#               advisories, sla or verify
#   make fuzz   run each libFuzzer target for FUZZ_SECONDS (clang)

DB          ?= var/ungcuu.db
LISTEN      ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60
BUILD       := build
TESTBUILD   := build-test

.PHONY: run test bootstrap build build-test web bench fuzz clean

bootstrap:
	@scripts/bootstrap

# The web UI: web/src bundled by esbuild into web/dist (served by `ungcuu serve`).
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/build.mjs web/package-lock.json
web/dist/index.html: $(WEB_SRC)
	cd web && node build.mjs

web: bootstrap web/dist/index.html

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release -Dtests=disabled

build: bootstrap $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@$(MAKE) --no-print-directory web/dist/index.html

run: build
	@mkdir -p $(dir $(DB))
	$(BUILD)/ungcuu init --db $(DB) --demo
	@echo
	@echo "Demo agent token (Authorization: Bearer ...):"
	@$(BUILD)/ungcuu user token agent --db $(DB)
	@echo "Try: curl -H 'Authorization: Bearer TOKEN' http://$(LISTEN)/api/v1/requests"
	@echo
	@echo "Web UI: http://$(LISTEN)/app/"
	$(BUILD)/ungcuu serve --db $(DB) --listen $(LISTEN) --web web/dist

# Tests build with AddressSanitizer and UndefinedBehaviorSanitizer.
$(TESTBUILD)/build.ninja:
	meson setup $(TESTBUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dtests=enabled

build-test: bootstrap $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	@$(MAKE) --no-print-directory web/dist/index.html

test: build-test
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(TESTBUILD) --print-errorlogs --num-processes 2
	@scripts/summary $(TESTBUILD)

BENCH ?= api
bench: bootstrap
	bench/$(BENCH)/run.sh

fuzz: bootstrap
	scripts/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(TESTBUILD) build-release build-fuzz web/dist
