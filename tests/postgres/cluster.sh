#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for commentd's tests.
#   tests/postgres/cluster.sh start   initdb (first time) and start; prints the URL
#   tests/postgres/cluster.sh stop    stop the server (the data directory stays)
#   tests/postgres/cluster.sh url     print the URL
#   tests/postgres/cluster.sh destroy stop and remove the data directory
# The cluster listens on 127.0.0.1 only, on COMMENTD_PG_PORT (default 54329),
# keeps its data in COMMENTD_PG_DIR (default ${TMPDIR:-/tmp}/commentd-pg-PORT),
# trusts the local user commentd_test and has the database commentd_test:
#   postgresql://commentd_test@127.0.0.1:54329/commentd_test
# As root, initdb and pg_ctl run as the `postgres` system user (they refuse
# to run as root). Uses Debian's binaries in /usr/lib/postgresql/15/bin
# (`apt-get install postgresql`), or COMMENTD_PG_BIN.
set -euo pipefail

PORT=${COMMENTD_PG_PORT:-54329}
DIR=${COMMENTD_PG_DIR:-${TMPDIR:-/tmp}/commentd-pg-$PORT}
BIN=${COMMENTD_PG_BIN:-/usr/lib/postgresql/15/bin}
USER_NAME=commentd_test
DB_NAME=commentd_test
URL="postgresql://$USER_NAME@127.0.0.1:$PORT/$DB_NAME"

die() { echo "cluster.sh: $*" >&2; exit 1; }

[ -x "$BIN/initdb" ] && [ -x "$BIN/pg_ctl" ] ||
  die "no PostgreSQL 15 binaries in $BIN (install them: apt-get install postgresql)"

# Runs a PostgreSQL binary as an unprivileged user when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

start() {
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then
      getent passwd postgres >/dev/null || die "running as root needs the postgres system user"
      chown postgres: "$DIR"
    fi
    as_owner "$BIN/initdb" -D "$DIR/data" -U "$USER_NAME" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if running; then
    echo "$URL"
    return
  fi
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null ||
    { tail -20 "$DIR/server.log" >&2; die "pg_ctl start failed (port $PORT busy?)"; }
  if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -qc \
      "CREATE DATABASE $DB_NAME" >/dev/null
  fi
  echo "$URL"
}

stop() {
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  destroy) stop; rm -rf "$DIR" ;;
  *) echo "usage: tests/postgres/cluster.sh start|stop|url|destroy" >&2; exit 2 ;;
esac
