# Fish completion for messageu, the MessageU command-line client.
#
# Completes the subcommands, every option (the global ones before or after the subcommand),
# option values (dialects, protocol versions, directories for --home and --save-dir, files for
# sendfile, shells for completion) and USER arguments with the user names cached in the
# profile, read with `messageu list --cached`: pressing TAB never touches the network. A --home
# on the command line, or $MESSAGEU_HOME, chooses the profile whose cache is read.
#
# Install it as /usr/share/fish/vendor_completions.d/messageu.fish (cmake --install does), or
# load it into the current shell with:  messageu completion fish | source

# Prints the words before the cursor that are not options nor option values: the subcommand
# first, then the arguments it has so far.
function __messageu_positionals
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip_value 0
    set -l options_ended 0
    for word in $words
        if test $skip_value -eq 1
            set skip_value 0
            continue
        end
        if test $options_ended -eq 0
            switch $word
                case --
                    set options_ended 1
                    continue
                case --home --server --dialect --protocol --timeout --retries --lock-timeout --save-dir --fingerprint
                    set skip_value 1
                    continue
                case '-?*'
                    continue
            end
        end
        echo $word
    end
end

# True before the subcommand is given.
function __messageu_needs_command
    set -l positionals (__messageu_positionals)
    test (count $positionals) -eq 0
end

# True when the subcommand is one of the arguments.
function __messageu_using_command
    set -l positionals (__messageu_positionals)
    test (count $positionals) -ge 1; and contains -- $positionals[1] $argv
end

# True when the word under the cursor is argument number INDEX of one of the COMMANDS.
function __messageu_argument --argument-names index
    set -l positionals (__messageu_positionals)
    test (count $positionals) -eq $index; and contains -- $positionals[1] $argv[2..-1]
end

# True when the word under the cursor is argument number INDEX or a later one of COMMANDS.
function __messageu_argument_from --argument-names index
    set -l positionals (__messageu_positionals)
    test (count $positionals) -ge $index; and contains -- $positionals[1] $argv[2..-1]
end

# Prints the cached user names, each with its id as the description.
function __messageu_users
    set -l words (commandline -opc)
    set -l program (string replace -r '^~/' "$HOME/" -- $words[1])
    set -l arguments
    set -l index 2
    while test $index -le (count $words)
        switch $words[$index]
            case --home
                set index (math $index + 1)
                if test $index -le (count $words)
                    set arguments --home (string replace -r '^~(?=/|$)' "$HOME" -- $words[$index])
                end
            case '--home=*'
                set arguments --home (string replace -r '^--home=' '' -- $words[$index] | string replace -r '^~(?=/|$)' "$HOME")
        end
        set index (math $index + 1)
    end
    # Ask the same program that is being completed, when it is a path; else the one on $PATH.
    if string match -q -- '*/*' $program; and not test -x $program
        set program messageu
    end
    # `list --cached` prints ID<TAB>NAME: turn it into NAME<TAB>ID for fish.
    command $program $arguments list --cached 2>/dev/null | string replace -r -f '^([^\t]*)\t(.*)$' '$2\t$1'
end

complete -c messageu -f

# The global options, accepted before or after the subcommand.
complete -c messageu -l home -x -a '(__fish_complete_directories)' -d 'Profile directory'
complete -c messageu -l server -x -d 'Server address HOST:PORT, overriding server.info'
complete -c messageu -l dialect -x -a "(printf '%s\t%s\n' auto 'find and remember the dialect of the server (default)' 2025a 'codes 600-604' 2022 'codes 1100-1104' 2021c 'codes 1000-1004' 2026 'codes 700-704')" -d 'Protocol codes to speak'
complete -c messageu -l protocol -x -a "(printf '%s\t%s\n' 3 'authenticated sessions when offered' 2 'classic only')" -d 'Protocol version'
complete -c messageu -l json -d 'Machine output: one JSON object per line'
complete -c messageu -s q -l quiet -d 'Print nothing but data and errors'
complete -c messageu -s v -l verbose -d 'Diagnostics on stderr'
complete -c messageu -l timeout -x -d 'Connect and I/O timeout in seconds'
complete -c messageu -l retries -x -d 'Reconnect attempts when the server cannot be reached'
complete -c messageu -l lock-timeout -x -d 'Seconds to wait for a locked profile'
complete -c messageu -l insecure-profile -d 'Use a profile others can read or change, with a warning'
complete -c messageu -s h -l help -d 'Print help and exit'
complete -c messageu -n __messageu_needs_command -l version -d 'Print the version and exit'

# The subcommands.
complete -c messageu -n __messageu_needs_command -a register -d 'Make a key pair, register NAME, write my.info'
complete -c messageu -n __messageu_needs_command -a whoami -d 'Show this profile (offline)'
complete -c messageu -n __messageu_needs_command -a ping -d 'Check the server: dialect, protocol, WAIT, round trip'
complete -c messageu -n __messageu_needs_command -a list -d 'List the registered users and refresh the cache'
complete -c messageu -n __messageu_needs_command -a getkey -d 'Fetch the public key of USER and pin it'
complete -c messageu -n __messageu_needs_command -a requestkey -d 'Ask USER for a symmetric key'
complete -c messageu -n __messageu_needs_command -a sendkey -d 'Send USER a fresh symmetric key'
complete -c messageu -n __messageu_needs_command -a send -d 'Encrypt and send TEXT (or stdin for -) to each USER'
complete -c messageu -n __messageu_needs_command -a sendfile -d 'Encrypt and send the file PATH to each USER'
complete -c messageu -n __messageu_needs_command -a pull -d 'Fetch, decrypt and print every waiting message'
complete -c messageu -n __messageu_needs_command -a contacts -d 'Known users with fingerprints (offline)'
complete -c messageu -n __messageu_needs_command -a trust -d 'Accept the current server key of USER'
complete -c messageu -n __messageu_needs_command -a completion -d 'Print the completion script for a shell'

# The options of each subcommand.
complete -c messageu -n '__messageu_using_command list' -l cached -d 'Show the cached list, without asking the server'
complete -c messageu -n '__messageu_using_command pull' -l save-dir -x -a '(__fish_complete_directories)' -d 'Where received files are saved'
complete -c messageu -n '__messageu_using_command pull' -l reply-key-requests -d 'Answer each key request with a fresh key'
complete -c messageu -n '__messageu_using_command pull' -l discard-undecryptable -d 'Drop the messages that cannot be decrypted'
complete -c messageu -n '__messageu_using_command pull' -l raw -d 'Print texts as they are, control characters included'
complete -c messageu -n '__messageu_using_command pull' -l follow -d 'Keep running and print each message as it arrives'
complete -c messageu -n '__messageu_using_command pull' -l wait -x -d 'Return after the first messages, or after SECONDS'
complete -c messageu -n '__messageu_using_command pull' -l interval -x -d 'Seconds between pulls against a server without WAIT'
complete -c messageu -n '__messageu_using_command pull' -l exec -x -a '(__fish_complete_command)' -d 'Run CMD for each message, kept unless it exits 0'
complete -c messageu -n '__messageu_using_command pull' -l exec-timeout -x -d 'Stop an --exec command running longer than SECONDS'
complete -c messageu -n '__messageu_using_command trust' -l fingerprint -x -d 'Accept the key only if its fingerprint is HEX'

# The arguments of each subcommand.
complete -c messageu -n '__messageu_argument 1 getkey requestkey sendkey sendfile trust' -a '(__messageu_users)'
complete -c messageu -n '__messageu_argument_from 1 send' -a '(__messageu_users)'
complete -c messageu -n '__messageu_argument_from 2 sendfile' -F
complete -c messageu -n '__messageu_argument 1 completion' -a 'bash zsh fish'
