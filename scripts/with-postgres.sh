#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on a free port; KIN_TEST_POSTGRES_URL points at it.
# The cluster and its directory are removed however the command ends.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/kin-pg.XXXXXX)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
  as_postgres=(runuser -u postgres --)
fi

stop() {
  (cd "$dir" && "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$dir"
}
trap stop EXIT

(
  cd "$dir"
  "${as_postgres[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
)
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export KIN_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
"$@"
