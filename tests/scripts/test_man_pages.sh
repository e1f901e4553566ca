#!/usr/bin/env bash
# Checks the manual pages in man/ against the real programs:
#   - `groff -man -ww` renders each page with no warning at all;
#   - each page has the sections a reader looks for;
#   - every subcommand, option, option value, environment variable and exit code that
#     `messageu --help` (and each `messageu CMD --help`) shows is in messageu.1, and every
#     option of `messageu-server --help` is in messageu-server.1, so they cannot drift;
#   - the version on each page is the programs' version;
#   - the cron example needs no flock.
# Needs MESSAGEU_CLI and MESSAGEU_SERVER_BIN (set by ctest) and groff (scripts/setup.sh).
set -uo pipefail
root=${MESSAGEU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cli=${MESSAGEU_CLI:?MESSAGEU_CLI must name the messageu program}
server=${MESSAGEU_SERVER_BIN:?MESSAGEU_SERVER_BIN must name the messageu-server program}
client_page=$root/man/messageu.1
server_page=$root/man/messageu-server.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=checks.sh
source "$root/tests/scripts/checks.sh"

command -v groff >/dev/null || { echo "groff is not installed" >&2; exit 1; }

# render PAGE: the page as plain text, one paragraph per line (a very long line length, so
# that no option is broken across lines), without the overstriking of bold and underline.
render() { groff -man -Tutf8 -rLL=2000n "$1" 2>/dev/null | sed 's/.\x08//g'; }

# section_of TEXT NAME: the body of the section NAME (a line in capitals) of rendered TEXT.
section_of() {
  awk -v name="$2" '
    /^[A-Z][A-Z ]*$/ { inside = ($0 == name); next }
    inside { print }' <<<"$1"
}

# has TEXT WORD: WORD appears in TEXT as a whole word.
has() { grep -qE -- "(^|[^a-zA-Z0-9_-])$2([^a-zA-Z0-9_-]|\$)" <<<"$1"; }

# --- Both pages render with no warning ------------------------------------------------------

for page in "$client_page" "$server_page"; do
  warnings=$(groff -man -ww -Tutf8 "$page" 2>&1 >/dev/null)
  status=$?
  if [ "$status" -eq 0 ] && [ -z "$warnings" ]; then
    pass
  else
    fail "groff -man -ww -Tutf8 $page (status $status):"$'\n'"$warnings"
  fi
done

client_text=$(render "$client_page")
server_text=$(render "$server_page")

for section in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS OUTPUT "EXIT STATUS" \
  ENVIRONMENT FILES EXAMPLES SECURITY "SEE ALSO"; do
  grep -qx "$section" <<<"$client_text" && pass || fail "messageu.1 has no $section section"
done
for section in NAME SYNOPSIS DESCRIPTION OPTIONS LIMITS LOGGING SIGNALS "EXIT STATUS" FILES \
  SYSTEMD SECURITY EXAMPLES "SEE ALSO"; do
  grep -qx "$section" <<<"$server_text" && pass || fail "messageu-server.1 has no $section section"
done

# --- messageu.1 covers what messageu --help shows -------------------------------------------

help_text=$("$cli" --help) || { echo "cannot run $cli --help" >&2; exit 1; }
mapfile -t commands < <(sed -n '/^Subcommands:/,/^$/p' <<<"$help_text" |
  sed -nE 's/^  ([a-z]+) .*/\1/p')
[ ${#commands[@]} -ge 10 ] || { echo "found only ${#commands[@]} subcommands in --help" >&2; exit 1; }

# options_of HELP_TEXT: every option (long, and short ones) in the option lines of HELP_TEXT.
options_of() {
  sed -nE 's/^  (-[a-zA-Z]), ?(--[a-z][a-z-]*).*/\1\n\2/p; s/^  (--[a-z][a-z-]*).*/\1/p' <<<"$1"
}

commands_section=$(section_of "$client_text" COMMANDS)
options_section=$(section_of "$client_text" "GLOBAL OPTIONS")
for command in "${commands[@]}"; do
  grep -qE "^ {7}$command( |$)" <<<"$commands_section" && pass ||
    fail "messageu.1 does not describe the command $command in COMMANDS"
  has "$(section_of "$client_text" SYNOPSIS)" "$command" && pass ||
    fail "messageu.1 has no $command in SYNOPSIS"
  for option in $(options_of "$("$cli" "$command" --help)"); do
    case $option in
      -h | --help) continue ;; # a global option, checked below
    esac
    has "$commands_section" "$option" && pass ||
      fail "messageu.1 does not describe $command's option $option"
  done
done
for option in $(options_of "$help_text"); do
  has "$options_section" "$option" && pass ||
    fail "messageu.1 does not describe the global option $option in GLOBAL OPTIONS"
done
# Option values listed as {a,b,c} in --help.
for value in $(sed -nE 's/.*:\{([^}]*)\}.*/\1/p' <<<"$help_text" | tr ',' ' '); do
  has "$options_section" "$value" && pass || fail "messageu.1 does not name the value $value"
done

# Environment variables: those --help names, and each option's (Env:NAME).
environment_section=$(section_of "$client_text" ENVIRONMENT)
for variable in $(grep -oE '\b(MESSAGEU_[A-Z_]+|NO_COLOR)\b' <<<"$help_text" | sort -u); do
  grep -qE "^ {7}$variable$" <<<"$environment_section" && pass ||
    fail "messageu.1 does not describe $variable in ENVIRONMENT"
done

# Exit codes: every "NN meaning" in the "Exit status:" paragraph of --help.
exit_section=$(section_of "$client_text" "EXIT STATUS")
exit_codes=$(sed -n '/^Exit status:/,/^$/p' <<<"$help_text" | grep -oE '\b[0-9]{1,3} [a-z]' |
  cut -d' ' -f1 | sort -un)
[ "$(wc -w <<<"$exit_codes")" -ge 13 ] || fail "found only $(echo $exit_codes) exit codes in --help"
for code in $exit_codes; do
  grep -qE "^ {7}$code( |$)" <<<"$exit_section" && pass ||
    fail "messageu.1 does not explain exit status $code in EXIT STATUS"
done

# --- messageu-server.1 covers what messageu-server --help shows -----------------------------

server_help=$("$server" --help) || { echo "cannot run $server --help" >&2; exit 1; }
server_options=$(options_of "$server_help")
[ "$(wc -w <<<"$server_options")" -ge 8 ] || fail "found only $(echo $server_options) in --help"
server_options_section=$(section_of "$server_text" OPTIONS)
server_synopsis=$(section_of "$server_text" SYNOPSIS)
for option in $server_options; do
  grep -qE -- "^ {7}(-[a-zA-Z], )?$option( |,|$)" <<<"$server_options_section" && pass ||
    fail "messageu-server.1 does not describe $option in OPTIONS"
  if [[ $option == --* ]]; then
    has "$server_synopsis" "$option" && pass || fail "messageu-server.1 has no $option in SYNOPSIS"
  fi
done
for value in $(sed -nE 's/.*:\{([^}]*)\}.*/\1/p' <<<"$server_help" | tr ',' ' '); do
  has "$server_options_section" "$value" && pass ||
    fail "messageu-server.1 does not name the value $value"
done
for signal in SIGINT SIGTERM; do
  has "$(section_of "$server_text" SIGNALS)" "$signal" && pass ||
    fail "messageu-server.1 does not say what $signal does"
done

# --- Versions and examples -------------------------------------------------------------------

version=$("$cli" --version | awk '{print $2}')
server_version=$("$server" --version | awk '{print $2}')
for page in "$client_page" "$server_page"; do
  grep -qE "^\.TH .*\"messageu $version\"" "$page" && pass ||
    fail "$page does not say version $version in its .TH line"
done
[ "$version" == "$server_version" ] && pass ||
  fail "messageu is version $version but messageu-server $server_version"

# A crontab line: five time fields, then a messageu command, with no flock.
cron_lines=$(section_of "$client_text" EXAMPLES |
  grep -E '^ +([0-9*/,-]+ +){5}[^ ]*messageu ')
if [ -n "$cron_lines" ] && ! grep -q flock <<<"$cron_lines"; then
  pass
else
  fail "messageu.1 EXAMPLES has no crontab line running messageu without flock"
fi

report test_man_pages
