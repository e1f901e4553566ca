# shellcheck shell=bash
# Sourced by the scripts that start messageu-server (or messageu-ceiling) with --port 0 and
# need the address it took.

# wait_for_listening LOG_FILE: waits up to 10 s for the `listening on ADDRESS` line the
# server writes to its standard error (redirected to LOG_FILE) and prints ADDRESS
# (HOST:PORT). No such line → prints the log to standard error and returns 1.
wait_for_listening() {
  local address=
  for _ in $(seq 200); do
    address=$(sed -n 's/^listening on \([^ ]*\)$/\1/p' "$1" 2>/dev/null | head -n 1)
    [[ -n $address ]] && break
    sleep 0.05
  done
  [[ -n $address ]] || {
    echo "no 'listening on' line in $1:" >&2
    cat "$1" >&2
    return 1
  }
  echo "$address"
}
