# shellcheck shell=bash
# Sourced by the demos: two users, alice and bob, talk through the server at $address with the
# client in $bin, their profiles under $work, and each command is printed before its output.

# as USER COMMAND...: runs one messageu command as USER, echoing it first.
as() {
  local user=$1
  shift
  echo
  echo "\$ messageu --home $user $*"
  "$bin/messageu" --home "$work/$user" --server "$address" "$@"
}

# tell_story GREETING: register → list → send (with the automatic key exchange) → pull, and a
# reply the other way.
tell_story() {
  as alice register alice
  as bob register bob
  as alice list
  as alice send bob "$1"
  as bob pull
  as bob send alice "Hi Alice! Got it."
  as alice pull
}
