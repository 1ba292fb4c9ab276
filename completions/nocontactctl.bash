# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for nocontactctl(1).

# The contacts of the running daemon, one per line; nothing when it is not running (asking
# it would start it through D-Bus activation, and completion should never do that).
_nocontactctl_contacts() {
    systemctl --user --quiet is-active nocontactd.service 2>/dev/null || return 0
    timeout 2 nocontactctl status --json 2>/dev/null |
        grep -o '"contact": *"[^"]*"' | sed 's/^"contact": *"//; s/"$//'
}

_nocontactctl() {
    local cur prev words cword
    _init_completion || return

    local verbs="setup check edit explain reload status held stats journal export read let-go
        soften harden reset final-straw snooze note"
    local levels="open gentle pause firm strict"

    local verb="" i
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} != -* ]]; then
            verb=${words[i]}
            break
        fi
    done

    if [[ -z $verb ]]; then
        COMPREPLY=($(compgen -W "$verbs --help --version" -- "$cur"))
        return
    fi

    case $prev in
        --policy)
            _filedir '@(yaml|yml)'
            return
            ;;
        --to)
            COMPREPLY=($(compgen -W "$levels" -- "$cur"))
            return
            ;;
        --at | --for | --note | --days | --since)
            return
            ;;
    esac

    local options="--help"
    case $verb in
        check | edit)
            if [[ $cur != -* ]]; then
                _filedir '@(yaml|yml)'
                return
            fi
            [[ $verb == check ]] && options+=" --json"
            ;;
        explain) options+=" --policy --at --text" ;;
        status) options+=" --json" ;;
        held) options+=" --all --json" ;;
        snooze) options+=" --end" ;;
        stats) options+=" --days --json" ;;
        journal) options+=" --since --json" ;;
        export) options+=" --json" ;;
        setup) options+=" --yes --undo" ;;
        soften | harden) options+=" --to --for --note" ;;
        final-straw) options+=" --note" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi

    # The first word after a verb that names a contact (or a kept message's id).
    case $verb in
        read | let-go | soften | harden | reset | final-straw | note | stats)
            local args=0 j
            for ((j = i + 1; j < cword; j++)); do
                case ${words[j]} in
                    --to | --for | --note | --days) j=$((j + 1)) ;;
                    -*) ;;
                    *) args=$((args + 1)) ;;
                esac
            done
            if ((args == 0)); then
                local IFS=$'\n'
                COMPREPLY=($(compgen -W "$(_nocontactctl_contacts)" -- "$cur"))
                # Names with spaces, quoted for the command line.
                for i in "${!COMPREPLY[@]}"; do
                    COMPREPLY[i]=$(printf '%q' "${COMPREPLY[i]}")
                done
            fi
            ;;
    esac
} &&
    complete -F _nocontactctl nocontactctl
