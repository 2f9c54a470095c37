#!/usr/bin/env bash
# Run a command with pgbouncer in transaction pooling in front of the PostgreSQL that scripts/with-postgres.sh
# started: KIN_TEST_POSTGRES_URL then points at pgbouncer (docs/operations.md, section 11). pgbouncer and its directory are removed
# however the command ends.
#   bash scripts/with-postgres.sh bash scripts/with-pgbouncer.sh .venv/bin/pytest tests/server/sync
set -euo pipefail

postgres=${KIN_TEST_POSTGRES_URL:?run inside scripts/with-postgres.sh}
pg_port=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)' "$postgres")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/kin-pgbouncer.XXXXXX)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then  # pgbouncer refuses to run as root
  chown postgres:postgres "$dir"
  as_postgres=(runuser -u postgres --)
fi

stop() {
  [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT

# every database name on the test server, made by the tests as they go (the "*" line); idle server connections
# close within seconds, so a suite that makes a database per test stays under PostgreSQL's max_connections
cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
max_db_connections = 40
server_idle_timeout = 5
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
echo '"postgres" ""' >"$dir/userlist.txt"
"${as_postgres[@]}" pgbouncer -d "$dir/pgbouncer.ini"
for _ in $(seq 100); do
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" \
    2>/dev/null && break
  sleep 0.1
done
echo "pgbouncer $(pgbouncer --version | awk 'NR == 1 {print $2}') (transaction pooling) on 127.0.0.1:$port"

export KIN_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
"$@"
