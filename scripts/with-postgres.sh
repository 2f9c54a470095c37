#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on a free port; KIN_TEST_POSTGRES_URL points at it.
# The cluster and its directory are removed however the command ends.
set -euo pipefail

source "$(dirname "$0")/cluster.sh" kin-pg

(
  cd "$dir"
  "${as_postgres[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
)
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export KIN_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
"$@"
