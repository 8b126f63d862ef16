# The two commands: `make dev` runs the product, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: dev test install system-packages lint clean openapi

# Debian packages some tests drive for real: nginx and pgbouncer (tests/deploy scale-out),
# systemd-analyze (the units in deploy/systemd), chromium with a CJK font (the console's browser
# tests). Installed once when missing (as root, or through passwordless sudo) without starting
# their services; where that cannot be done the tests that need them say what is absent.
SYSTEM_PACKAGES := nginx pgbouncer systemd chromium fonts-noto-cjk
SYSTEM_STAMP    := $(VENV)/.system-packages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

$(SYSTEM_STAMP):
	@need=""; for pkg in $(SYSTEM_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || need="$$need $$pkg"; done; \
	if [ -n "$$need" ]; then \
		sudo=""; if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; fi; \
		if command -v apt-get >/dev/null 2>&1 && $$sudo apt-get update -qq >/dev/null 2>&1 \
			&& RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$need >/dev/null 2>&1; \
		then echo "make: installed$$need"; \
		else echo "make: could not install$$need (no apt-get or no root); tests that need them will fail or skip" >&2; exit 0; fi; \
	fi; mkdir -p $(VENV) && touch $@

system-packages: $(SYSTEM_STAMP)

dev: $(STAMP)
	$(BIN)/zsb dev

# The TypeScript client's tools (openapi-typescript, typescript), pinned by clients/ts/package-lock.json;
# tests/test_contract.py generates the client from the running code's OpenAPI and type-checks it.
TS_DIR   := clients/ts
TS_STAMP := $(TS_DIR)/node_modules/.installed

$(TS_STAMP): $(TS_DIR)/package.json $(TS_DIR)/package-lock.json
	cd $(TS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# After a deliberate API change: the committed contract (openapi.json) and the TypeScript types.
openapi: $(STAMP) $(TS_STAMP)
	$(BIN)/zsb openapi
	cd $(TS_DIR) && npm run --silent generate

# Two parts: every test but the timing-sensitive ones on four pytest-xdist workers (the two
# cores wait on I/O and embedded servers much of the time: 5 min 45 s against 6 min 28 s on three), then those
# (marked serial: signals, grace periods, the scale-out stack) alone, so no other test's load
# bends their clocks. Both parts always run; either failing fails. pytest exits 5 when it
# collected no tests: that must fail, not pass silently.
test: $(STAMP) $(SYSTEM_STAMP) $(TS_STAMP)
	@$(BIN)/python -m pytest -n 4 -m "not serial"; rc1=$$?; \
	$(BIN)/python -m pytest -m serial; rc2=$$?; \
	if [ $$rc1 -eq 5 ] || [ $$rc2 -eq 5 ]; then echo "make test: a part collected no tests" >&2; exit 1; fi; \
	if [ $$rc1 -ne 0 ]; then exit $$rc1; fi; exit $$rc2

clean:
	rm -rf $(VENV) var .pytest_cache
