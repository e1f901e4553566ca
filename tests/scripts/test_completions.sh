#!/usr/bin/env bash
# Checks the shell completions in completions/ against the real program:
#   - `messageu completion SHELL` prints exactly each file (the build embeds them);
#   - every subcommand, option and option value that `messageu --help` and
#     `messageu CMD --help` show appears in each of the three files, so they cannot drift;
#   - the files parse (bash -n, zsh -n, fish -n);
#   - the completion functions offer the right words: bash's through bash-completion, and
#     without it; fish's through `complete -C`; zsh's through a pseudo-terminal. User names
#     come from a real profile cache, filled by one `messageu list` against a real server that
#     is stopped before any TAB, since completing must not touch the network.
# Needs MESSAGEU_CLI and MESSAGEU_SERVER_BIN (set by ctest), bash-completion, zsh and fish
# (installed by scripts/setup.sh).
set -uo pipefail
root=${MESSAGEU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cli=${MESSAGEU_CLI:?MESSAGEU_CLI must name the messageu program}
server=${MESSAGEU_SERVER_BIN:?MESSAGEU_SERVER_BIN must name the messageu-server program}
completions=$root/completions
bash_completion=/usr/share/bash-completion/bash_completion

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=checks.sh
source "$root/tests/scripts/checks.sh"
# shellcheck source=../../scripts/listening.sh
source "$root/scripts/listening.sh"

# expect_words DESCRIPTION EXPECTED ACTUAL: both are newline-separated word lists, compared
# as sets.
expect_words() {
  local description=$1 expected actual
  expected=$(printf '%s\n' "$2" | sed '/^$/d' | sort -u)
  actual=$(printf '%s\n' "$3" | sed '/^$/d' | sort -u)
  if [ "$expected" == "$actual" ]; then
    pass
  else
    fail "$description"$'\n'"  expected: $(echo $expected)"$'\n'"  offered:  $(echo $actual)"
  fi
}

# --- What the program says it has -----------------------------------------------------------

help_text=$("$cli" --help) || { echo "cannot run $cli --help" >&2; exit 1; }
# Subcommands: the names listed under "Subcommands:".
mapfile -t commands < <(sed -n '/^Subcommands:/,/^$/p' <<<"$help_text" |
  sed -nE 's/^  ([a-z]+) .*/\1/p')
[ ${#commands[@]} -ge 10 ] || { echo "found only ${#commands[@]} subcommands in --help" >&2; exit 1; }

# options_of HELP_TEXT: the long options (--name), one per line.
options_of() { sed -nE 's/^  (-[a-zA-Z], ?)?(--[a-z][a-z-]*).*/\2/p' <<<"$1"; }
# short_options_of HELP_TEXT: the short options (-x), one per line.
short_options_of() { sed -nE 's/^  (-[a-zA-Z]),.*/\1/p' <<<"$1"; }
# values_of HELP_TEXT OPTION: the values of OPTION listed as {a,b,c}, one per line.
values_of() {
  grep -E "^  $2 " <<<"$1" | sed -nE 's/.*\{([^}]*)\}.*/\1/p' | tr ',' '\n'
}

global_options=$(options_of "$help_text")
global_short_options=$(short_options_of "$help_text")
# After a subcommand, --version is not offered (it is the program's, not the command's).
global_options_after=$(grep -vx -- --version <<<"$global_options")
dialects=$(values_of "$help_text" --dialect)
protocols=$(values_of "$help_text" --protocol)
[ -n "$dialects" ] || { echo "no --dialect values in --help" >&2; exit 1; }
declare -A command_options command_short_options
for command in "${commands[@]}"; do
  command_help=$("$cli" "$command" --help)
  command_options[$command]=$(options_of "$command_help")
  command_short_options[$command]=$(short_options_of "$command_help")
done
shells=$("$cli" completion --help | sed -nE 's/^  SHELL :\{([^}]*)\}.*/\1/p' | tr ',' '\n')
[ -n "$shells" ] || { echo "no shells in 'messageu completion --help'" >&2; exit 1; }

# --- The files are what the program prints, and parse ----------------------------------------

for shell_file in bash:messageu.bash zsh:_messageu fish:messageu.fish; do
  shell=${shell_file%%:*}
  file=$completions/${shell_file#*:}
  if "$cli" completion "$shell" | cmp -s - "$file"; then
    pass
  else
    fail "'messageu completion $shell' does not print $file exactly (is the build older?)"
  fi
done
bash -n "$completions/messageu.bash" && pass || fail "bash -n completions/messageu.bash"
zsh -n "$completions/_messageu" && pass || fail "zsh -n completions/_messageu"
fish -n "$completions/messageu.fish" && pass || fail "fish -n completions/messageu.fish"

# --- Nothing the program has is missing from a file ------------------------------------------

# mentions FILE WORD: WORD appears in FILE as a whole word (between non-word characters).
mentions() { grep -qE -- "(^|[^a-zA-Z0-9_-])$2([^a-zA-Z0-9_-]|\$)" "$1"; }
# fish_mentions FILE OPTION: the fish file declares OPTION (-l name or -s x).
fish_mentions() {
  case $2 in
    --*) grep -qE -- "-l ${2#--}( |$)" "$1" ;;
    -?) grep -qE -- "-s ${2#-}( |$)" "$1" ;;
    *) grep -qE -- "-a '?$2( |'|$)" "$1" ;;
  esac
}
all_options=$(printf '%s\n' $global_options $global_short_options "${command_options[@]}" \
  "${command_short_options[@]}" | sort -u)
for file in messageu.bash _messageu messageu.fish; do
  path=$completions/$file
  for word in "${commands[@]}" $all_options $dialects $protocols $shells; do
    if [ "$file" == messageu.fish ] && [[ $word == -* || " ${commands[*]} " == *" $word "* ]]
    then
      fish_mentions "$path" "$word" && pass || fail "$file does not complete $word"
    else
      mentions "$path" "$word" && pass || fail "$file does not mention $word"
    fi
  done
done

# --- A real profile cache: three users registered, the cache filled, the server stopped ----

"$server" --port 0 --bind 127.0.0.1 --db "$work/server.db" 2>"$work/server.log" &
server_pid=$!
address=$(wait_for_listening "$work/server.log") || { echo "the server did not start" >&2; exit 1; }
for user in alice bob "carol smith"; do
  "$cli" --home "$work/${user%% *}" --server "$address" --timeout 10 register "$user" \
    >/dev/null || { echo "cannot register $user" >&2; exit 1; }
done
"$cli" --home "$work/alice" --timeout 10 list >/dev/null || { echo "list failed" >&2; exit 1; }
kill "$server_pid" && wait "$server_pid" 2>/dev/null
server_pid=""
alice=$work/alice
cached_names=$("$cli" --home "$alice" list --cached | cut -f2-)
expect_words "the cache holds the users alice saw" $'bob\ncarol smith' "$cached_names"

# Files and directories to complete from.
mkdir -p "$work/files/docs" "$work/files/data"
touch "$work/files/draft.txt" "$work/files/diagram.png"

# A bin directory holding the program under the name completions are registered for.
mkdir -p "$work/bin"
ln -s "$cli" "$work/bin/messageu"

# --- bash ------------------------------------------------------------------------------------

# bash_complete [--plain] LINE: the words bash offers at the end of LINE, one per line. LINE is
# split as bash splits it (at blanks that are not escaped, and around "="), and the words are
# given to _messageu. --plain loads no bash-completion, as on a system without it.
cat >"$work/bash_complete.bash" <<'EOF'
load_helpers=$1 completion_file=$2 line=$3
[ "$load_helpers" -eq 1 ] && source /usr/share/bash-completion/bash_completion
source "$completion_file"
placeholder=$'\x01'
read -ra tokens <<<"${line//\\ /$placeholder}"
[[ $line == *" " && $line != *"\\ " ]] && tokens+=("")
COMP_WORDS=()
for token in "${tokens[@]}"; do
  token=${token//$placeholder/\\ }
  if [[ $token == --*=* ]]; then
    COMP_WORDS+=("${token%%=*}" "=")
    [ -n "${token#*=}" ] && COMP_WORDS+=("${token#*=}")
  else
    COMP_WORDS+=("$token")
  fi
done
[[ $line == *= ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
_messageu "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
EOF
bash_complete() {
  local load_helpers=1
  [ "$1" == --plain ] && { load_helpers=0; shift; }
  (cd "$work/files" && PATH=$work/bin:$PATH bash --norc --noprofile "$work/bash_complete.bash" \
    "$load_helpers" "$completions/messageu.bash" "$1")
}

[ -f "$bash_completion" ] || fail "bash-completion is not installed ($bash_completion)"
commands_list=$(printf '%s\n' "${commands[@]}")
for mode in "" --plain; do
  label="bash${mode:+ without bash-completion}"
  expect_words "$label: subcommands" "$commands_list" "$(bash_complete $mode "messageu ")"
  expect_words "$label: subcommands starting with s" "$(grep '^s' <<<"$commands_list")" \
    "$(bash_complete $mode "messageu s")"
  expect_words "$label: global options" "$global_options"$'\n'"$global_short_options" \
    "$(bash_complete $mode "messageu -")"
  expect_words "$label: --dialect values" "$dialects" \
    "$(bash_complete $mode "messageu --dialect ")"
  expect_words "$label: --protocol values" "$protocols" \
    "$(bash_complete $mode "messageu --protocol ")"
  expect_words "$label: completion shells" "$shells" \
    "$(bash_complete $mode "messageu completion ")"
  expect_words "$label: user names from the cache of --home" $'bob\ncarol\\ smith' \
    "$(bash_complete $mode "messageu --home $alice getkey ")"
  expect_words "$label: user names after global options that follow the command" \
    $'carol\\ smith' "$(bash_complete $mode "messageu send --home $alice --json c")"
  expect_words "$label: user names with the program named by its path" $'bob' \
    "$(bash_complete $mode "$cli --home $alice trust b")"
  expect_words "$label: more user names after the first for send" $'carol\\ smith' \
    "$(bash_complete $mode "messageu --home $alice send bob c")"
  expect_words "$label: directories for --save-dir" $'data\ndocs' \
    "$(bash_complete $mode "messageu pull --save-dir d")"
  expect_words "$label: files for sendfile" $'data\ndocs\ndraft.txt\ndiagram.png' \
    "$(bash_complete $mode "messageu --home $alice sendfile bob d")"
  for command in "${commands[@]}"; do
    expect_words "$label: options of $command" \
      "$(printf '%s\n' $global_options_after $global_short_options \
        ${command_options[$command]} ${command_short_options[$command]})" \
      "$(bash_complete $mode "messageu $command -")"
  done
done
expect_words "bash: --dialect=VALUE" "$dialects" "$(bash_complete "messageu --dialect=")"
expect_words "bash: user names from --home=DIR" $'bob\ncarol\\ smith' \
  "$(bash_complete "messageu --home=$alice requestkey ")"
expect_words "bash: user names from \$MESSAGEU_HOME" $'bob' \
  "$(MESSAGEU_HOME=$alice bash_complete "messageu sendkey b")"
expect_words "bash: a typed escaped space still matches" $'carol\\ smith' \
  "$(bash_complete "messageu --home $alice send carol\\ s")"
expect_words "bash: --version only before the command" "--version" \
  "$(bash_complete "messageu --vers")"

# --- fish ------------------------------------------------------------------------------------

# fish_complete LINE: the words fish offers at the end of LINE, one per line (descriptions cut).
fish_complete() {
  (cd "$work/files" && PATH=$work/bin:$PATH fish --no-config -c \
    'source $argv[1]; complete -C $argv[2]' "$completions/messageu.fish" "$1") | cut -f1
}

expect_words "fish: subcommands" "$commands_list" "$(fish_complete "messageu ")"
expect_words "fish: global options" "$global_options"$'\n'"$global_short_options"$'\n--version' \
  "$(fish_complete "messageu -")"
expect_words "fish: --dialect values" "$dialects" "$(fish_complete "messageu --dialect ")"
expect_words "fish: --protocol values" "$protocols" "$(fish_complete "messageu --protocol ")"
expect_words "fish: completion shells" "$shells" "$(fish_complete "messageu completion ")"
expect_words "fish: user names from the cache of --home" $'bob\ncarol smith' \
  "$(fish_complete "messageu --home $alice getkey ")"
expect_words "fish: user names from --home=DIR" $'carol smith' \
  "$(fish_complete "messageu --home=$alice send c")"
expect_words "fish: user names from \$MESSAGEU_HOME" $'bob' \
  "$(MESSAGEU_HOME=$alice fish_complete "messageu trust b")"
expect_words "fish: files for sendfile" $'data/\ndocs/\ndraft.txt\ndiagram.png' \
  "$(fish_complete "messageu --home $alice sendfile bob d")"
expect_words "fish: more user names after the first for send" $'carol smith' \
  "$(fish_complete "messageu --home $alice send bob c")"
expect_words "fish: directories for --save-dir" $'data/\ndocs/' \
  "$(fish_complete "messageu pull --save-dir d")"
for command in "${commands[@]}"; do
  expect_words "fish: options of $command" \
    "$(printf '%s\n' $global_options_after $global_short_options \
      ${command_options[$command]} ${command_short_options[$command]})" \
    "$(fish_complete "messageu $command -")"
done

# --- zsh -------------------------------------------------------------------------------------

# zsh_complete LINE: the words zsh offers at the end of LINE, one per line. An interactive zsh
# runs in a pseudo-terminal with _messageu on its $fpath and compadd wrapped to print what it
# is given; LINE and a TAB are typed into it.
mkdir -p "$work/zsh/functions"
cp "$completions/_messageu" "$work/zsh/functions/"
cat >"$work/zsh/complete.zsh" <<'EOF'
zmodload zsh/zpty || exit 1
functions_dir=$1 work=$2 line=$3
zpty completion zsh -f -i
zpty -w completion "PROMPT= RPROMPT= PS2=; fpath=(${(q)functions_dir} \$fpath)"
zpty -w completion "autoload -Uz compinit && compinit -u -D"
zpty -w completion 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __found; builtin compadd -A __found "$@"; local word
  for word in $__found; do print -r -- "<<offered:$word>>"; done
}'
zpty -w completion "zstyle ':completion:*' completer _complete; bindkey '^I' complete-word"
zpty -w completion "cd ${(q)work}/files; PATH=${(q)work}/bin:\$PATH"
zpty -w completion 'print -r -- "<<ready>>"'
zpty -r completion output '*<<ready>>*<<ready>>*' || exit 1
zpty -w -n completion "$line"$'\t'
# Let the completion run before more input arrives: zsh cuts completion short on typeahead.
zmodload zsh/zselect && zselect -t 50
zpty -w completion $'\C-u''print -r -- "<<done>>"'
zpty -r completion output '*<<done>>*<<done>>*' || exit 1
print -r -- ${(F)${(M)${(f)output}:#*<<offered:*}}
zpty -d completion
EOF
zsh_complete_once() {
  timeout 30 zsh -f "$work/zsh/complete.zsh" "$work/zsh/functions" "$work" "$1" </dev/null |
    tr -d '\r' | grep -oE '<<offered:[^>]*>>' | sed -E 's/^<<offered:(.*)>>$/\1/'
}
# Every case below expects some words, so an empty answer from a pseudo-terminal that was too
# slow is asked again (at most three times) before it counts as a failure.
zsh_complete() {
  local words attempt
  for attempt in 1 2 3; do
    words=$(zsh_complete_once "$1")
    [ -n "$words" ] && break
  done
  printf '%s\n' "$words"
}

expect_words "zsh: subcommands" "$commands_list" "$(zsh_complete "messageu ")"
expect_words "zsh: --dialect values" "$dialects" "$(zsh_complete "messageu --dialect ")"
expect_words "zsh: --protocol values" "$protocols" "$(zsh_complete "messageu --protocol ")"
expect_words "zsh: completion shells" "$shells" "$(zsh_complete "messageu completion ")"
expect_words "zsh: user names from the cache of --home" $'bob\ncarol\\ smith' \
  "$(zsh_complete "messageu --home $alice getkey ")"
expect_words "zsh: user names from --home=DIR" $'bob\ncarol\\ smith' \
  "$(zsh_complete "messageu --home=$alice send ")"
expect_words "zsh: files for sendfile" $'data\ndocs\ndraft.txt\ndiagram.png' \
  "$(zsh_complete "messageu --home $alice sendfile bob d")"
expect_words "zsh: options of pull" \
  "$(printf '%s\n' $global_options_after $global_short_options ${command_options[pull]})" \
  "$(zsh_complete "messageu pull -")"

report test_completions
