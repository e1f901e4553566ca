#!/usr/bin/env bash
# The whole story in one command: installs what is missing, builds, starts messageu-server on a
# free loopback port with a fresh database, and walks two users (alice and bob) through
# register → list → send (with the automatic key exchange) → pull, printing each command and its
# output. Everything lives in a temporary directory removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=listening.sh
source "$root/scripts/listening.sh"
# shellcheck source=demo-story.sh
source "$root/scripts/demo-story.sh"

"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
bin=${MESSAGEU_BUILD_DIR:-$root/build}/bin

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Start the server on a free port and read the port from its "listening on" line.
"$bin/messageu-server" --port 0 --bind 127.0.0.1 --db "$work/defensive.db" \
  2>"$work/server.log" &
server_pid=$!
address=$(wait_for_listening "$work/server.log") || { echo "demo: the server did not start" >&2; exit 1; }
echo "# messageu-server is listening on $address"

tell_story "Hello Bob, this message is end-to-end encrypted."
echo
echo "# done: the server never saw a plaintext or a private key"
