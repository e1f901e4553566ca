#!/usr/bin/env bash
# The scale-out set-up on loopback, in one command: a throwaway PostgreSQL cluster, two
# messageu-servers sharing its database, and HAProxy in TCP mode in front of them. Two users
# then talk through HAProxy (each command may reach either server) and each server's log shows
# which requests it served. Everything lives in temporary directories removed at the end.
#   scripts/demo-scaled.sh          the story, then tear-down
#   scripts/demo-scaled.sh --keep   leaves the set-up running until Ctrl-C, for trying it by hand
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=listening.sh
source "$root/scripts/listening.sh"
# shellcheck source=demo-story.sh
source "$root/scripts/demo-story.sh"

keep=0
case ${1:-} in
  --keep) keep=1 ;;
  "") ;;
  *) sed -n '6,7p' "$0" >&2; exit 64 ;;
esac

"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
bin=${MESSAGEU_BUILD_DIR:-$root/build}/bin

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  "$root/scripts/pg-cluster.sh" stop "$work/cluster.uri" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/scripts/pg-cluster.sh" start "$work/cluster.uri" 2>/dev/null
[ -s "$work/cluster.uri" ] || { echo "demo: PostgreSQL is not installed" >&2; exit 1; }
database=$(cat "$work/cluster.uri")

servers=()
for name in a b; do
  MESSAGEU_DB=$database "$bin/messageu-server" --port 0 --bind 127.0.0.1 \
    2>"$work/server-$name.log" &
  pids+=($!)
  servers+=("$(wait_for_listening "$work/server-$name.log")")
done
echo "# two messageu-servers on one PostgreSQL database: ${servers[*]}"

# HAProxy needs a port number: take one the kernel says is free.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/haproxy.cfg" <<CONFIG
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend messageu
  bind 127.0.0.1:$port
  default_backend servers
backend servers
  balance roundrobin
  server a ${servers[0]}
  server b ${servers[1]}
CONFIG
haproxy -q -f "$work/haproxy.cfg" &
pids+=($!)
address=127.0.0.1:$port
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
echo "# HAProxy (TCP mode, round robin) is listening on $address"

tell_story "Hello Bob, whichever server this reaches."

sleep 0.3 # request lines reach the logs in batches
for name in a b; do
  echo
  echo "# requests served by server $name:"
  grep -oE 'request=[a-z_]+' "$work/server-$name.log" | sort | uniq -c || true
done

if [ "$keep" -eq 1 ]; then
  echo
  echo "# running: messageu --server $address ...  (database: $database); Ctrl-C stops it all"
  wait "${pids[@]}"
fi
