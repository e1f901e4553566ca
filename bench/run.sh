#!/usr/bin/env bash
# The benchmark run behind docs/BENCHMARKS.md (issue 8). Builds Release into build-release/,
# then, on this machine and in this one run so that the figures are comparable:
#   1. the same loads against messageu-server and against messageu-ceiling (the transport's
#      ceiling): list, getkey, send, pull; per-request at 16 connections, persistent at 1, 64
#      and 512; each on a fresh server database; and the latency of one durable write on the
#      disk holding the databases (bench/sync_latency.py), the floor under a send's answer;
#   2. 10,000 idle connections held on the server, then 10,000 connections waiting for
#      messages (WAIT): its RSS and its rate meanwhile, against its rate just before;
#   3. bench/files.sh 256 (and 1024 with --long);
#   4. CLI latency: median wall time of `messageu whoami` (the process start floor),
#      `messageu list` and `messageu send` with a known key, 200 runs each;
#   5. the latency from `messageu send` returning to `pull --follow` printing the message
#      (bench/follow_latency.py, 200 messages: median and p99);
#   6. bench/scale.sh: PostgreSQL's own durable-commit floor (pgbench), and the loads against
#      one server on PostgreSQL, two behind HAProxy, and two ceilings behind the same HAProxy;
# and writes docs/BENCHMARKS.md (bench/write_report.py). About 5 minutes after the build;
# --long runs each load for 15 s and adds the 1 GiB file.
#
# Usage: bench/run.sh [--long] [--no-build] [--duration SECONDS] [--output FILE]
#                     [--peer NAME=HOST:PORT[/DIALECT]]...
#   --no-build   use build-release/ as it is
#   --duration   seconds per load (default 5, 15 with --long); 1 makes a quick trial run
#   --output     where the report goes (default docs/BENCHMARKS.md)
#   --peer       another MessageU server, already running, to measure in the same run (any
#                number of them): every load of step 1 runs against it too, right after ours
#                and the ceiling's (a peer need only answer the five classic requests, all
#                that step 1 sends). DIALECT: its codes (default 2025a). NAME (letters,
#                digits, - and _) heads its table in the report.
# Environment: MESSAGEU_BENCH_LOG_LEVEL  the server's --log-level during the loads (default
#              info, the server's own default: one log line per request, to a file)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/listening.sh
source "$root/scripts/listening.sh"
build=$root/build-release
bin=$build/bin
long=0
do_build=1
duration=
output=$root/docs/BENCHMARKS.md
peers=() # "NAME HOST:PORT DIALECT"
usage() {
  echo "usage: $0 [--long] [--no-build] [--duration SECONDS] [--output FILE]" \
    "[--peer NAME=HOST:PORT[/DIALECT]]..." >&2
  exit 64
}
# add_peer NAME=HOST:PORT[/DIALECT]
add_peer() {
  local name=${1%%=*} rest=${1#*=} address dialect
  address=${rest%%/*}
  dialect=2025a
  [[ $rest == */* ]] && dialect=${rest#*/}
  if [[ $1 != *=* || ! $name =~ ^[A-Za-z0-9_-]+$ || $name == server || $name == ceiling ||
    ! $address =~ ^[^:/]+:[0-9]+$ || ! $dialect =~ ^(2025a|2022|2021c|2026)$ ]]; then
    echo "$0: --peer $1: expected NAME=HOST:PORT[/DIALECT], NAME of letters, digits, - and _" \
      "(not server or ceiling), DIALECT 2025a, 2022, 2021c or 2026" >&2
    exit 64
  fi
  peers+=("$name $address $dialect")
}
while [[ $# -gt 0 ]]; do
  case $1 in
  --long) long=1 ;;
  --no-build) do_build=0 ;;
  --output)
    output=$2
    shift
    ;;
  --duration)
    duration=$2
    shift
    ;;
  --peer)
    [[ $# -ge 2 ]] || usage
    add_peer "$2"
    shift
    ;;
  *) usage ;;
  esac
  shift
done

file_sizes=(256)
if ((long)); then
  : "${duration:=15}"
  file_sizes=(256 1024)
fi
: "${duration:=5}"
log_level=${MESSAGEU_BENCH_LOG_LEVEL:-info}
python=/usr/bin/python3
[[ -x $python ]] || python=python3

log() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }

# A peer that is not there would only fill the report with failed loads: said before the build.
for peer in "${peers[@]}"; do
  read -r name address _ <<<"$peer"
  if ! (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null; then
    log "peer $name: nothing answers at $address"
    exit 69
  fi
done

# --- build ---------------------------------------------------------------------------------
if ((do_build)); then
  log "building Release into $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMESSAGEU_TESTS=OFF >/dev/null
  cmake --build "$build" --target messageu messageu-server messageu-loadgen messageu-ceiling -j2
fi

# 10,000 idle connections and the loads' own need descriptors in both the server and the
# connection holder; root may raise the hard limit too.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

results=$build/bench-results
rm -rf "$results"
mkdir -p "$results"
work=$(mktemp -d "${TMPDIR:-/tmp}/messageu-bench.XXXXXX")
server_pid=
ceiling_pid=
stop_process() { # PID: SIGTERM, then wait for it
  [[ -n ${1:-} ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop_process "$server_pid"
  stop_process "$ceiling_pid"
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for the `listening on ADDR:PORT` line in LOG_FILE and prints the port.
wait_for_port() {
  local address
  address=$(wait_for_listening "$1") || exit 69
  echo "${address##*:}"
}

# Starts a messageu-server on a fresh database; sets server_pid and server_port.
start_server() {
  local database=$work/server-$RANDOM$RANDOM.db
  "$bin/messageu-server" --port 0 --bind 127.0.0.1 --db "$database" --log-level "$log_level" \
    --max-connections 20000 --max-connections-per-address 20000 2>"$work/server.log" &
  server_pid=$!
  server_port=$(wait_for_port "$work/server.log")
}

stop_server() {
  stop_process "$server_pid"
  server_pid=
  rm -rf "$work"/server-*.db* "$work/server.log"
}

# Prints "RSS_KiB PEAK_KiB DESCRIPTORS" of a process.
process_memory() {
  local rss peak
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
  peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$1/status")
  echo "$rss $peak $(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l)"
}

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clock_ticks=$(getconf CLK_TCK)

# loadgen TARGET PID HOST:PORT DIALECT OP MODE CONNECTIONS: one load, its JSON line appended
# to loads.jsonl with the target's name and, when PID is not empty, the target's CPU use during
# the run (percent of one core over the measured duration; setup included, which is small). A
# peer's process is not ours to read: PID is empty for it.
loadgen() {
  local target=$1 pid=$2 address=$3 dialect=$4 op=$5 mode=$6 connections=$7 line cpu_before
  local cpu=
  [[ -z $pid ]] || cpu_before=$(cpu_ticks "$pid")
  if ! line=$("$bin/messageu-loadgen" --server "$address" --dialect "$dialect" --op "$op" \
    --mode "$mode" --connections "$connections" --duration "$duration" --json); then
    line="{\"op\":\"$op\",\"mode\":\"$mode\",\"connections\":$connections,\"failed\":true}"
  fi
  if [[ -n $pid ]]; then
    cpu=$(awk -v t="$(($(cpu_ticks "$pid") - cpu_before))" -v hz="$clock_ticks" \
      -v d="$duration" 'BEGIN { printf "%.0f", 100 * t / hz / d }')
  fi
  log "$target: $line${cpu:+ cpu=$cpu%}"
  echo "{\"target\":\"$target\",${cpu:+\"cpu_pct\":$cpu,}${line#\{}" >>"$results/loads.jsonl"
}

# --- the machine, as it is at the start ------------------------------------------------------
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$root" status --porcelain 2>/dev/null) ]]; then
  commit="$commit (with uncommitted changes)"
fi
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$commit"
  echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "nproc=$(nproc)"
  echo "memory_mib=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "duration=$duration"
  echo "log_level=$log_level"
} >"$results/meta.env"
for peer in "${peers[@]}"; do
  read -r name address dialect <<<"$peer"
  echo "{\"name\":\"$name\",\"address\":\"$address\",\"dialect\":\"$dialect\"}" >>"$results/peers.jsonl"
done
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. the loads, server and ceiling side by side ---------------------------------------------
# The disk's floor under a durable answer (one fdatasync), where the server's databases live.
if ! "$python" "$root/bench/sync_latency.py" "$work" >"$results/sync.json"; then
  log "sync_latency.py failed"
  echo '{}' >"$results/sync.json"
fi
log "durable write: $(cat "$results/sync.json")"
"$bin/messageu-ceiling" --port 0 2>"$work/ceiling.log" &
ceiling_pid=$!
ceiling_port=$(wait_for_port "$work/ceiling.log")

loads=("per-request 16" "persistent 1" "persistent 64" "persistent 512")
for op in list getkey send pull; do
  for load in "${loads[@]}"; do
    read -r mode connections <<<"$load"
    start_server
    loadgen server "$server_pid" "127.0.0.1:$server_port" 2025a "$op" "$mode" "$connections"
    stop_server
    loadgen ceiling "$ceiling_pid" "127.0.0.1:$ceiling_port" 2025a "$op" "$mode" "$connections"
    for peer in "${peers[@]}"; do
      read -r name address dialect <<<"$peer"
      loadgen "$name" "" "$address" "$dialect" "$op" "$mode" "$connections"
    done
  done
done
stop_process "$ceiling_pid"
ceiling_pid=

# --- 2. 10,000 idle connections, then 10,000 waiting ones ---------------------------------------
# held_connections NAME HOLDER: holds 10,000 connections with bench/HOLDER on a fresh server,
# measures the server's RSS and its getkey rate before and beside them, and writes
# $results/NAME.json.
held_connections() {
  local name=$1 holder=$2 count=10000 before during held holder_pid holder_out
  holder_out=$work/$name.out
  local rss_before fds_before rss_held fds_held rss_after peak_after fds_after
  start_server
  read -r rss_before _ fds_before < <(process_memory "$server_pid")
  before=$("$bin/messageu-loadgen" --server "127.0.0.1:$server_port" --op getkey \
    --mode persistent --connections 64 --duration "$duration" --json) || before='{"failed":true}'
  log "$name: before: $before"
  # The holder keeps its connections until its stdin (this fifo) closes.
  mkfifo "$work/$name.in"
  "$python" "$root/bench/$holder" 127.0.0.1 "$server_port" "$count" 300 \
    <"$work/$name.in" >"$holder_out" &
  holder_pid=$!
  exec 7>"$work/$name.in"
  for _ in $(seq 6000); do
    grep -q '^held' "$holder_out" && break
    sleep 0.05
  done
  held=$(awk '/^held/ { print $2 }' "$holder_out")
  sleep 1 # let the server settle after the burst of accepts
  read -r rss_held _ fds_held < <(process_memory "$server_pid")
  during=$("$bin/messageu-loadgen" --server "127.0.0.1:$server_port" --op getkey \
    --mode persistent --connections 64 --duration "$duration" --json) || during='{"failed":true}'
  read -r rss_after peak_after fds_after < <(process_memory "$server_pid")
  log "$name: held ${held:-0}, during: $during"
  exec 7>&-
  wait "$holder_pid" || true
  stop_server
  cat >"$results/$name.json" <<JSON
{"connections":${held:-0},"before":$before,"during":$during,
 "rss_before_kib":$rss_before,"rss_held_kib":$rss_held,"rss_after_kib":$rss_after,
 "peak_kib":$peak_after,"fds_before":$fds_before,"fds_held":$fds_held,"fds_after":$fds_after}
JSON
}
held_connections idle hold_connections.py
held_connections waiting hold_waiting.py

# --- 3. large files ---------------------------------------------------------------------------
for size in "${file_sizes[@]}"; do
  log "files.sh $size"
  if ! MESSAGEU_BENCH_BIN=$bin "$root/bench/files.sh" "$size" --json >"$results/files-$size.json"; then
    log "files.sh $size failed"
  fi
  log "files: $(cat "$results/files-$size.json")"
done

# --- 4. CLI latency ----------------------------------------------------------------------------
start_server
client() { "$bin/messageu" --quiet --server "127.0.0.1:$server_port" "$@"; }
client --home "$work/alice" register alice >/dev/null
client --home "$work/bob" register bob >/dev/null
# The first send fetches and pins bob's key and sends a fresh symmetric key; the timed ones
# then have a known key.
client --home "$work/alice" send bob "first message" >/dev/null
runs=200
# median_ms NAME COMMAND...: the median wall time of COMMAND over $runs runs, in ms.
median_ms() {
  local name=$1
  shift
  if command -v hyperfine >/dev/null; then
    if ! hyperfine -N --style none --warmup 5 --runs "$runs" --export-json "$work/$name.json" \
      "$*" >/dev/null 2>"$work/$name.stderr"; then
      log "hyperfine $name failed: $(tail -n 3 "$work/$name.stderr")"
      echo null
      return
    fi
    "$python" -c 'import json, sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' \
      "$work/$name.json"
  else
    # Bash's own clock (EPOCHREALTIME, bash 5) costs nothing; `date` would add a process
    # start of its own to every sample. Microseconds.
    local times=$work/$name.times start end
    : >"$times"
    for _ in $(seq "$runs"); do
      start=${EPOCHREALTIME/[.,]/}
      "$@" >/dev/null 2>&1 || {
        log "$name failed"
        echo null
        return
      }
      end=${EPOCHREALTIME/[.,]/}
      echo $((end - start)) >>"$times"
    done
    sort -n "$times" | awk '{ v[NR] = $1 }
      END { printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }'
  fi
}
messageu_base=("$bin/messageu" --quiet --server "127.0.0.1:$server_port" --home "$work/alice")
whoami_ms=$(median_ms whoami "${messageu_base[@]}" whoami)
list_ms=$(median_ms list "${messageu_base[@]}" list)
send_ms=$(median_ms send "${messageu_base[@]}" send bob hello)
whoami_ms=${whoami_ms:-null} list_ms=${list_ms:-null} send_ms=${send_ms:-null}
method=$(command -v hyperfine >/dev/null && echo "hyperfine $(hyperfine --version | cut -d' ' -f2)" || echo "EPOCHREALTIME loop in bash")
log "cli: whoami $whoami_ms ms, list $list_ms ms, send $send_ms ms ($method)"
stop_server
cat >"$results/cli.json" <<JSON
{"runs":$runs,"method":"$method","whoami_ms":$whoami_ms,"list_ms":$list_ms,"send_ms":$send_ms}
JSON

# --- 5. from send to a follower ---------------------------------------------------------------
if ! "$python" "$root/bench/follow_latency.py" "$bin" 200 >"$results/follow.json"; then
  log "follow_latency.py failed"
  echo '{}' >"$results/follow.json"
fi
log "follow: $(cat "$results/follow.json")"

# --- 6. several servers on PostgreSQL ----------------------------------------------------------
log "scale.sh: PostgreSQL, one server and two behind HAProxy"
if ! "$root/bench/scale.sh" "$bin" "$results" "$duration"; then
  log "scale.sh failed"
fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/meta.env"

# --- the report --------------------------------------------------------------------------------
"$python" "$root/bench/write_report.py" "$results" >"$output"
log "wrote $output (raw figures in $results)"
