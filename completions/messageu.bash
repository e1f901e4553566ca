# Bash completion for messageu, the MessageU command-line client.
#
# Completes the subcommands, every option (the global ones before or after the subcommand),
# option values (dialects, protocol versions, directories for --home and --save-dir, files for
# sendfile, shells for completion) and USER arguments with the user names cached in the
# profile, read with `messageu list --cached`: pressing TAB never touches the network. A --home
# on the command line, or $MESSAGEU_HOME, chooses the profile whose cache is read.
#
# Install it as /usr/share/bash-completion/completions/messageu (cmake --install does), or load
# it into the current shell with:  source <(messageu completion bash)
# It uses bash-completion's helpers when they are loaded and works without them otherwise
# (then only the `--option value` form is understood, not `--option=value`).

# Prints one user name per line from the cache of the profile HOME (empty: the default one),
# asking the messageu program PROGRAM.
_messageu_cached_users() {
    local program=$1 home=$2 line
    local -a arguments=()
    [[ -n $home ]] && arguments=(--home "$home")
    while IFS= read -r line; do
        # `list --cached` prints ID<TAB>NAME; names may hold spaces.
        [[ $line == *$'\t'* ]] && printf '%s\n' "${line#*$'\t'}"
    done < <(command "$program" "${arguments[@]}" list --cached 2>/dev/null)
}

# Sets COMPREPLY to the cached user names that start with CUR, escaped for the shell.
_messageu_complete_users() {
    local program=$1 home=$2 cur=$3 name prefix
    # The word as typed may be quoted or escaped ("carol\ s"); names are matched unquoted.
    case $cur in
        \'*) prefix=${cur#\'} ;;
        \"*) prefix=${cur#\"} ;;
        *) prefix=${cur//\\/} ;;
    esac
    while IFS= read -r name; do
        [[ $name == "$prefix"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
    done < <(_messageu_cached_users "$program" "$home")
}

# Sets COMPREPLY to the directories (with "-d") or files matching CUR.
_messageu_complete_paths() {
    local kind=$1 cur=$2
    if declare -F _filedir >/dev/null; then
        if [[ $kind == -d ]]; then _filedir -d; else _filedir; fi
        return
    fi
    compopt -o filenames 2>/dev/null
    if [[ $kind == -d ]]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

_messageu() {
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi

    local commands="register whoami ping list getkey requestkey sendkey send sendfile pull contacts
        trust completion"
    local global_options="--home --server --dialect --protocol --json --quiet -q --verbose -v
        --timeout --retries --lock-timeout --insecure-profile --help -h"

    # Read the words before the cursor: the subcommand, how many of its arguments are already
    # given, the profile named by --home, and whether "--" ended the options.
    local command="" home="" word options_ended=false
    local -i positionals=0 index
    for ((index = 1; index < cword; index++)); do
        word=${words[index]}
        if ! $options_ended; then
            case $word in
                --)
                    options_ended=true
                    continue
                    ;;
                --home)
                    home=${words[index + 1]}
                    index+=1
                    continue
                    ;;
                --home=*)
                    home=${word#--home=}
                    continue
                    ;;
                --server | --dialect | --protocol | --timeout | --retries | --lock-timeout | \
                    --save-dir | --fingerprint | --wait | --interval | --exec | --exec-timeout)
                    index+=1
                    continue
                    ;;
                -?*) continue ;;
            esac
        fi
        if [[ -z $command ]]; then command=$word; else positionals+=1; fi
    done
    [[ $home == "~" || $home == "~/"* ]] && home=$HOME${home#"~"}

    if ! $options_ended; then
        # The value of an option.
        case $prev in
            --home | --save-dir)
                _messageu_complete_paths -d "$cur"
                return
                ;;
            --dialect)
                mapfile -t COMPREPLY < <(compgen -W "auto 2025a 2022 2021c 2026" -- "$cur")
                return
                ;;
            --protocol)
                mapfile -t COMPREPLY < <(compgen -W "2 3" -- "$cur")
                return
                ;;
            --server | --timeout | --retries | --lock-timeout | --fingerprint | --wait | \
                --interval)
                return
                ;;
            --exec)
                mapfile -t COMPREPLY < <(compgen -c -- "$cur")
                return
                ;;
        esac
        $split && return

        if [[ $cur == -* ]]; then
            local options=$global_options
            case $command in
                "") options+=" --version" ;;
                list) options+=" --cached" ;;
                pull) options+=" --save-dir --reply-key-requests --discard-undecryptable --raw"
                    options+=" --follow --wait --interval --exec --exec-timeout" ;;
                trust) options+=" --fingerprint" ;;
            esac
            mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
            return
        fi
    fi

    if [[ -z $command ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return
    fi

    # Ask the same program that is being completed, when it is a path; else the one on $PATH.
    local program=${words[0]}
    [[ $program == "~/"* ]] && program=$HOME/${program#"~/"}
    [[ $program == */* && ! -x $program ]] && program=messageu

    case $command,$positionals in
        getkey,0 | requestkey,0 | sendkey,0 | send,* | sendfile,0 | trust,0)
            # send takes several users before its text: every argument may be one more.
            _messageu_complete_users "$program" "$home" "$cur"
            ;;
        sendfile,*)
            _messageu_complete_paths -f "$cur"
            ;;
        completion,0)
            mapfile -t COMPREPLY < <(compgen -W "bash zsh fish" -- "$cur")
            ;;
    esac
}

complete -F _messageu messageu
