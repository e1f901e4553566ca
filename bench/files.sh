#!/usr/bin/env bash
# Large files end to end (issue 5, "Measure"): makes a random file of SIZE_MB MiB, starts a
# messageu-server on a temporary database, registers two profiles, and times
# `messageu sendfile` and `messageu pull` under /usr/bin/time -v. Prints the MiB/s of each,
# the peak RSS of both messageu runs and of the server, the MiB/s of `openssl enc
# -aes-128-cbc` over the same file as the floor of the work, and whether the received file
# is byte-identical.
#
# Usage: bench/files.sh SIZE_MB [--json]
#   --json   print the figures as one JSON line on stdout instead of text
# Environment: MESSAGEU_BENCH_BIN   directory holding messageu and messageu-server
#                                   (default: build-release/bin of this checkout)
#              TMPDIR               where the file, the database and the profiles go
#                                   (needs about 3 × SIZE_MB of space)
set -euo pipefail

usage() {
  echo "usage: $0 SIZE_MB [--json]" >&2
  exit 64
}

[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
size_mb=$1
json=0
[[ ${2:-} == --json ]] && json=1
[[ $# -le 2 ]] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/listening.sh
source "$root/scripts/listening.sh"
bin=${MESSAGEU_BENCH_BIN:-$root/build-release/bin}
client=$bin/messageu
server_bin=$bin/messageu-server
for program in "$client" "$server_bin" /usr/bin/time openssl; do
  [[ -x $program || -n $(command -v "$program") ]] || {
    echo "files.sh: $program not found (run bench/run.sh or set MESSAGEU_BENCH_BIN)" >&2
    exit 69
  }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/messageu-files.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Nanoseconds of a monotonic-enough wall clock.
now_ns() { date +%s%N; }

# MiB/s for SIZE_MB MiB moved in NANOSECONDS.
rate() { awk -v mb="$size_mb" -v ns="$1" 'BEGIN { printf "%.1f", (ns > 0 ? mb / (ns / 1e9) : 0) }'; }

# Seconds of "Elapsed (wall clock) time" in a /usr/bin/time -v report, in nanoseconds.
elapsed_ns() {
  awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, part, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + part[i]
      printf "%.0f", s * 1e9 }' "$1"
}

# "Maximum resident set size (kbytes)" of a /usr/bin/time -v report, in MiB.
peak_rss_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }

# --- the file: random bytes, made quickly with AES-CTR over zeros -------------------------
input=$work/input.bin
head -c $((size_mb * 1024 * 1024)) /dev/zero |
  openssl enc -aes-128-ctr -nosalt -pass pass:"$RANDOM$RANDOM" -pbkdf2 2>/dev/null >"$input"

# --- the floor: openssl's AES-128-CBC over the same file ----------------------------------
zero_key=00000000000000000000000000000000
sync
start=$(now_ns)
openssl enc -aes-128-cbc -K $zero_key -iv $zero_key -in "$input" -out /dev/null
openssl_ns=$(($(now_ns) - start))

# --- the server ----------------------------------------------------------------------------
# No cap on the bytes waiting for one recipient: the default (1 GiB) would refuse a 1 GiB
# file, whose ciphertext is 16 bytes longer.
"$server_bin" --port 0 --bind 127.0.0.1 --db "$work/server.db" --log-level warn \
  --max-pending-bytes 0 2>"$work/server.log" &
server_pid=$!
server=$(wait_for_listening "$work/server.log") || {
  echo "files.sh: the server did not start" >&2
  exit 69
}

messageu() { "$client" --quiet --server "$server" "$@"; }

# --- two profiles, and a first message so that the pair's key is in place -------------------
messageu --home "$work/alice" register alice >/dev/null
messageu --home "$work/bob" register bob >/dev/null
messageu --home "$work/alice" send bob "key exchange before the timed runs" >/dev/null
messageu --home "$work/bob" pull >/dev/null

# --- the timed runs ------------------------------------------------------------------------
sync
/usr/bin/time -v -o "$work/sendfile.time" \
  "$client" --quiet --server "$server" --home "$work/alice" sendfile bob "$input" >/dev/null
mkdir "$work/received"
/usr/bin/time -v -o "$work/pull.time" \
  "$client" --quiet --json --server "$server" --home "$work/bob" pull \
  --save-dir "$work/received" >"$work/pull.json"

sendfile_ns=$(elapsed_ns "$work/sendfile.time")
pull_ns=$(elapsed_ns "$work/pull.time")
server_rss_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")

received=$(find "$work/received" -type f | head -n 1)
identical=false
[[ -n $received ]] && cmp -s "$input" "$received" && identical=true

sendfile_rate=$(rate "$sendfile_ns")
pull_rate=$(rate "$pull_ns")
openssl_rate=$(rate "$openssl_ns")
sendfile_rss=$(peak_rss_mib "$work/sendfile.time")
pull_rss=$(peak_rss_mib "$work/pull.time")
server_rss=$(awk -v k="$server_rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')

if ((json)); then
  printf '{"size_mib":%d,"sendfile_mib_s":%s,"pull_mib_s":%s,"openssl_mib_s":%s,' \
    "$size_mb" "$sendfile_rate" "$pull_rate" "$openssl_rate"
  printf '"sendfile_rss_mib":%s,"pull_rss_mib":%s,"server_rss_mib":%s,"identical":%s}\n' \
    "$sendfile_rss" "$pull_rss" "$server_rss" "$identical"
else
  echo "file:                 $size_mb MiB of random bytes"
  echo "sendfile:             $sendfile_rate MiB/s, peak RSS $sendfile_rss MiB"
  echo "pull:                 $pull_rate MiB/s, peak RSS $pull_rss MiB"
  echo "server peak RSS:      $server_rss MiB"
  echo "openssl aes-128-cbc:  $openssl_rate MiB/s (the floor of the work)"
  echo "byte-identical:       $identical"
fi
[[ $identical == true ]]
