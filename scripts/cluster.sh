# Sourced by scripts/with-postgres.sh and scripts/with-replica.sh: the newest PostgreSQL's binaries ($pgbin), a free
# port ($port), a directory of the cluster's own ($dir, owned by postgres when run as root, with $as_postgres to run
# its commands as that user) and a trap that stops the cluster in $dir/data and removes $dir however the script ends.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d "/tmp/$1.XXXXXX")
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
