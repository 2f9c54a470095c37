# Kin: `make run` serves the demo, `make test` runs every test. Everything installs into the checkout.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
PWA_SOURCES := $(shell find pwa -type f 2>/dev/null)
export FLASK_APP := server:create_app
# the API and sync modules run again through pgbouncer in transaction pooling (docs/operations.md, section 11)
POOLED_TESTS := tests/server/sync/test_push_pull.py tests/server/sync/test_door_visits.py tests/server/conversations \
  tests/server/preferences tests/server/auth/test_login.py tests/server/voters/test_voter_files_api.py \
  tests/server/test_two_servers.py

.PHONY: run test lint-js bench install build db demo system-deps clean

run: install build
	KIN_ENV=development $(BIN)/flask db upgrade
	KIN_ENV=development $(BIN)/flask kin demo
	@echo "Kin is at http://127.0.0.1:5000 (Ctrl-C stops it)"
	KIN_ENV=development exec $(BIN)/gunicorn -c server/gunicorn_conf.py --bind 127.0.0.1:5000 --workers 2 --threads 4 "server:create_app()"

# pytest twice on one PostgreSQL (scripts/run-tests.sh): the tests outside tests/pwa on TEST_WORKERS processes
# (pytest-xdist), then the browser tests on one (they are CPU-heavy and timing-sensitive). The browser tests run even
# when the others failed; either's failure fails the target, and the first run's failures are repeated last. Then
# the pooled modules through pgbouncer, and the read replica's tests against a streaming replica (docs/scaling.md)
TEST_WORKERS ?= 2
test: system-deps $(VENV)/.test-installed build
	$(BIN)/ruff check server sync oprf.py tests bench
	$(MAKE) --no-print-directory lint-js
	BIN=$(BIN) TEST_WORKERS=$(TEST_WORKERS) bash scripts/with-postgres.sh bash scripts/run-tests.sh
	bash scripts/with-postgres.sh bash scripts/with-pgbouncer.sh $(BIN)/pytest -k 'not sqlite' $(POOLED_TESTS)
	bash scripts/with-postgres.sh bash scripts/with-replica.sh $(BIN)/pytest tests/server/test_read_replica.py

# ESLint, then tsc --checkJs over the page, the service worker and the matching worker (docs/development.md)
lint-js: node_modules/.installed
	node_modules/.bin/eslint --max-warnings 0 pwa eslint.config.js
	node_modules/.bin/tsc -p jsconfig.json
	node_modules/.bin/tsc -p pwa/sw/jsconfig.json
	node_modules/.bin/tsc -p pwa/lib/matching/jsconfig.worker.json

bench: $(VENV)/.test-installed
	bash scripts/with-postgres.sh sh -c 'for b in bench/*.py; do $(BIN)/python "$$b" || exit 1; done'

install: $(VENV)/.installed node_modules/.installed

build: static/index.html

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/index.html: node_modules/.installed $(PWA_SOURCES)
	npm run --silent build

# Debian packages the tests need; installed only where missing
system-deps:
	@missing=""; for pkg in chromium postgresql pgbouncer libsodium23 redis-server webkit2gtk-driver xvfb; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi

clean:
	rm -rf $(VENV) node_modules static instance .pytest_cache
