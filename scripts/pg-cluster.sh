#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: it listens only on a Unix socket in its own
# temporary directory, trusts local connections, and skips fsync at initdb (about a second to
# start). The ctest fixture starts one per test run and stops it at the end.
#   scripts/pg-cluster.sh start URI_FILE   makes a cluster, writes its connection URI to URI_FILE
#   scripts/pg-cluster.sh stop URI_FILE    stops the cluster URI_FILE names and removes it
# Without PostgreSQL's server programs, `start` writes no URI and exits 0 (the PostgreSQL tests
# then say they are skipped), except under CI (CI=true), where it fails.
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user.
# MESSAGEU_PG_DURABLE=1 keeps fsync on, as a deployment has it (the benchmark's cluster).
set -euo pipefail

bin_dir=${MESSAGEU_PG_BIN:-}
if [ -z "$bin_dir" ]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bin_dir=$candidate
  done
fi
port=5432 # only names the socket file: the cluster listens on no TCP port

usage() { sed -n '5,6p' "$0" >&2; exit 64; }

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The directory of the cluster that URI_FILE names (its host parameter).
cluster_directory() {
  sed -nE 's|.*[?&]host=([^&]*).*|\1|p' "$1"
}

start() {
  local uri_file=$1
  stop "$uri_file" # a cluster left by an interrupted run
  if [ -z "$bin_dir" ]; then
    if [ "${CI:-}" = true ]; then
      echo "pg-cluster: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2
      exit 1
    fi
    echo "pg-cluster: PostgreSQL is not installed: the PostgreSQL tests will be skipped" >&2
    exit 0
  fi
  local directory
  directory=$(mktemp -d "${TMPDIR:-/tmp}/messageu-pg.XXXXXX")
  [ "$(id -u)" -eq 0 ] && chown postgres: "$directory"
  as_owner "$bin_dir/initdb" -D "$directory/data" -A trust -U postgres --no-sync \
    >"$directory/initdb.log" 2>&1 || { cat "$directory/initdb.log" >&2; exit 1; }
  local fsync=off
  [ "${MESSAGEU_PG_DURABLE:-0}" = 1 ] && fsync=on
  as_owner "$bin_dir/pg_ctl" -D "$directory/data" -l "$directory/server.log" -w \
    -o "-p $port -k $directory -c listen_addresses='' -c fsync=$fsync -c max_connections=200" \
    start >/dev/null || { cat "$directory/server.log" >&2; exit 1; }
  echo "postgresql:///postgres?host=$directory&port=$port&user=postgres" >"$uri_file"
  echo "pg-cluster: started in $directory" >&2
}

stop() {
  local uri_file=$1
  [ -f "$uri_file" ] || return 0
  local directory
  directory=$(cluster_directory "$uri_file")
  rm -f "$uri_file"
  [ -n "$directory" ] && [ -d "$directory/data" ] || return 0
  as_owner "$bin_dir/pg_ctl" -D "$directory/data" -m fast -w stop >/dev/null || true
  rm -rf "$directory"
}

[ $# -eq 2 ] || usage
case $1 in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
