#!/usr/bin/env bash
# Run a command with a streaming replica of the PostgreSQL that scripts/with-postgres.sh started: a base backup
# taken with `pg_basebackup -R` (which writes the standby's connection settings) and started on a free port as a hot
# standby; KIN_TEST_REPLICA_URL points at it (docs/scaling.md, read replicas). The replica and its directory are
# removed however the command ends.
#   bash scripts/with-postgres.sh bash scripts/with-replica.sh .venv/bin/pytest tests/server/test_read_replica.py
# PostgreSQL's defaults are what a base backup needs from the primary: wal_level=replica, max_wal_senders=10, and
# the `replication` lines initdb writes into pg_hba.conf under `-A trust`.
set -euo pipefail

primary=${KIN_TEST_POSTGRES_URL:?run inside scripts/with-postgres.sh}
primary_port=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)' "$primary")
source "$(dirname "$0")/cluster.sh" kin-replica

(
  cd "$dir"
  "${as_postgres[@]}" "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/data" -R \
    --checkpoint=fast --no-sync
  # a standby must allow at least as many connections as its primary (scripts/with-postgres.sh: 200)
  "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c hot_standby=on" \
    >/dev/null
)
echo "PostgreSQL streaming replica of 127.0.0.1:$primary_port on 127.0.0.1:$port"

export KIN_TEST_REPLICA_URL="postgresql://postgres@127.0.0.1:$port/postgres"
"$@"
