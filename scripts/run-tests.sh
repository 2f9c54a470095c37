#!/usr/bin/env bash
# `make test`'s two pytest runs on one PostgreSQL (KIN_TEST_POSTGRES_URL), with the Makefile's $BIN: every test
# outside tests/pwa on $TEST_WORKERS processes, then the browser tests on one. The browser tests run even when the
# others failed, so the first run's failures would scroll out of a CI log's tail behind 17 minutes of browser output:
# they are repeated at the very end, each with its reason on one line (200 columns wide, not cut at 80).
set -uo pipefail
bin=${BIN:-.venv/bin}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

COLUMNS=200 "$bin/pytest" -n "${TEST_WORKERS:-2}" -rfE --ignore=tests/pwa \
  --ignore=tests/server/test_two_servers.py --ignore=tests/server/test_read_replica.py 2>&1 | tee "$log"
api=$?
"$bin/pytest" tests/pwa
browser=$?

if [ "$api" -ne 0 ]; then
  echo
  echo "== The tests outside tests/pwa failed (exit $api); their summary again:"
  if grep -q '= short test summary info =' "$log"; then sed -n '/= short test summary info =/,$p' "$log"
  else tail -n 20 "$log"; fi
fi
[ "$api" -eq 0 ] && [ "$browser" -eq 0 ]
