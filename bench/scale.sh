#!/usr/bin/env bash
# The PostgreSQL section of the benchmark (bench/run.sh calls it; it can also run alone): on a
# throwaway PostgreSQL cluster with durable commits (fsync on, as a deployment has it),
#   1. PostgreSQL's own floor: single-row INSERT commits per second with pgbench, 1 and 16
#      clients: what any server that makes each send durable can at most do here;
#   2. the loads send, list, getkey and pull (persistent, 64 connections) against one
#      messageu-server on PostgreSQL, and against two behind HAProxy (TCP mode, leastconn),
#      each load on a fresh database;
#   3. the reads against two ceilings (messageu-ceiling, one thread each) behind the same
#      HAProxy: what a proxy in the path leaves of the ceiling on this machine.
# Writes RESULTS/scale.json; bench/write_report.py puts it beside the SQLite figures and the
# ceiling's (from the same run when run.sh runs it).
#
# Usage: bench/scale.sh BIN_DIR RESULTS_DIR DURATION
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/listening.sh
source "$root/scripts/listening.sh"
[[ $# -eq 3 ]] || {
  echo "usage: $0 BIN_DIR RESULTS_DIR DURATION" >&2
  exit 64
}
bin=$1 results=$2 duration=$3
pg_bin=
for candidate in /usr/lib/postgresql/*/bin; do
  [[ -x $candidate/pgbench ]] && pg_bin=$candidate
done
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
log() { echo "[scale.sh $(date +%H:%M:%S)] $*" >&2; }
if [[ -z $pg_bin || ! -x $haproxy ]]; then
  log "PostgreSQL or HAProxy is not installed (scripts/setup.sh installs both): section skipped"
  echo '{"skipped":"PostgreSQL or HAProxy not installed"}' >"$results/scale.json"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/messageu-scale-bench.XXXXXX")
chmod 755 "$work"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_all
  "$root/scripts/pg-cluster.sh" stop "$work/pg.uri" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

MESSAGEU_PG_DURABLE=1 CI=true "$root/scripts/pg-cluster.sh" start "$work/pg.uri" 2>/dev/null
admin_uri=$(cat "$work/pg.uri")
psql() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
# uri_for DATABASE: the cluster's URI naming DATABASE instead of postgres.
uri_for() { sed "s|:///postgres?|:///$1?|" <<<"$admin_uri"; }
fresh_database() { # NAME
  psql "$admin_uri" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}

# --- 1. PostgreSQL's floor --------------------------------------------------------------------
fresh_database floor
psql "$(uri_for floor)" -c "CREATE TABLE t (id bigserial PRIMARY KEY, payload bytea)"
echo "INSERT INTO t (payload) VALUES ('\\x00112233445566778899aabbccddeeff');" >"$work/insert.sql"
# pgbench_tps CLIENTS: committed single-row INSERTs per second.
pgbench_tps() {
  local host
  host=$(sed -nE 's|.*[?&]host=([^&]*).*|\1|p' <<<"$admin_uri")
  "$pg_bin/pgbench" -n -h "$host" -U postgres -c "$1" -j "$(($1 < 2 ? 1 : 2))" -T "$duration" \
    -f "$work/insert.sql" floor 2>/dev/null | sed -nE 's/^tps = ([0-9.]+).*/\1/p' | head -n 1
}
floor_1=$(pgbench_tps 1)
floor_16=$(pgbench_tps 16)
log "PostgreSQL floor: ${floor_1:-?} commits/s with 1 client, ${floor_16:-?} with 16"

# --- 2. the loads -----------------------------------------------------------------------------
# start_behind_haproxy ADDRESS...: HAProxy in front of the addresses; sets load_port to its.
start_behind_haproxy() {
  local port index=0
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  {
    printf 'global\n  maxconn 4096\ndefaults\n  mode tcp\n  timeout connect 5s\n'
    printf '  timeout client 1m\n  timeout server 1m\n'
    printf 'frontend messageu\n  bind 127.0.0.1:%s\n  default_backend servers\n' "$port"
    printf 'backend servers\n  balance leastconn\n'
    for address in "$@"; do
      printf '  server s%s %s\n' "$index" "$address"
      index=$((index + 1))
    done
  } >"$work/haproxy.cfg"
  "$haproxy" -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  load_port=$port
}

# start_servers N DATABASE: N servers on DATABASE; sets load_port to the port to load
# (HAProxy's for N > 1).
start_servers() {
  local count=$1 uri addresses=() address
  uri=$(uri_for "$2")
  for index in $(seq "$count"); do
    "$bin/messageu-server" --port 0 --bind 127.0.0.1 --db "$uri" --log-level warn \
      --max-connections 20000 --max-connections-per-address 20000 \
      >/dev/null 2>"$work/server-$index.log" &
    pids+=($!)
    address=$(wait_for_listening "$work/server-$index.log") || exit 69
    addresses+=("$address")
  done
  if ((count == 1)); then
    load_port=${addresses[0]##*:}
    return
  fi
  start_behind_haproxy "${addresses[@]}"
}

# start_ceilings: two ceilings behind HAProxy; sets load_port.
start_ceilings() {
  local addresses=() address
  for index in 1 2; do
    "$bin/messageu-ceiling" --port 0 --threads 1 2>"$work/ceiling-$index.log" &
    pids+=($!)
    address=$(wait_for_listening "$work/ceiling-$index.log") || exit 69
    addresses+=("$address")
  done
  start_behind_haproxy "${addresses[@]}"
}

# load OP: one load against load_port, its JSON line on standard output.
load() {
  "$bin/messageu-loadgen" --server "127.0.0.1:$load_port" --op "$1" --mode persistent \
    --connections 64 --duration "$duration" --json ||
    echo "{\"op\":\"$1\",\"mode\":\"persistent\",\"connections\":64,\"failed\":true}"
}

: >"$work/loads.jsonl"
number=0
for servers in 1 2; do
  for op in send list getkey pull; do
    number=$((number + 1))
    fresh_database "load$number"
    start_servers "$servers" "load$number"
    line=$(load "$op")
    stop_all
    log "postgresql, $servers server(s): $line"
    echo "{\"servers\":$servers,${line#\{}" >>"$work/loads.jsonl"
  done
done
: >"$work/proxied.jsonl"
for op in list getkey pull; do
  start_ceilings
  line=$(load "$op")
  stop_all
  log "two ceilings behind HAProxy: $line"
  echo "$line" >>"$work/proxied.jsonl"
done

{
  echo "{\"floor_commits_1\":${floor_1:-null},\"floor_commits_16\":${floor_16:-null},"
  echo " \"postgresql\":\"$("$pg_bin/postgres" --version | awk '{ print $3 }')\","
  echo " \"haproxy\":\"$("$haproxy" -v | head -n 1 | awk '{ print $3 }')\","
  echo " \"loads\":["
  sed '$!s/$/,/' "$work/loads.jsonl"
  echo "],"
  echo " \"proxied_ceiling\":["
  sed '$!s/$/,/' "$work/proxied.jsonl"
  echo "]}"
} >"$results/scale.json"
