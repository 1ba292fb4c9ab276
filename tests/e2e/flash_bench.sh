#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One server's flash count (scripts/flash-count runs it for each): in a private session with
# the real SERVER and nocontactd holding one contact, Alex, at firm (held silently, no pause),
# N messages from the contact are sent one at a time, each settled before the next. A flash is
# a message during which the server put anything on screen: its text, or nocontact's
# placeholder in its place. S strangers' messages before and S after calibrate the detector:
# each must be seen drawn, or the count means nothing and this fails.
#
# On xfce4-notifyd and plasma every message carries the mark (tests/e2e/flash.sh), and the
# strangers must be seen with it: then it also counts the contact's messages whose content was
# drawn (the mark in the window's pixels, not only a window: a placeholder in its place, or an
# empty window, is not the contact's content), and how long that content stayed.
#
# Usage: flash_bench.sh SERVER N S NOCONTACTD [HOOK [WITHDRAWAL]]
#   HOOK: a shell command run in the session once nocontactd runs, before anything is sent
#   (e.g. '"$NOCONTACTCTL" setup --yes'); NOCONTACTD and NOCONTACTCTL (beside it) are exported.
#   WITHDRAWAL: replace-then-close or close-now, given to nocontactd as --withdrawal (for
#   measuring one way against the other; by default nocontactd chooses per server).
# Prints one line: SERVER, the way, flashes per N, draws, how long a flash stayed on screen,
# contents drawn per N and how long they stayed (where marked), strangers.
set -uo pipefail
server=$1
n=$2
strangers=$3
daemon=$4
hook=${5:-}
withdrawal=${6:-}
# shellcheck source=tests/e2e/flash.sh
source "$(dirname "$0")/flash.sh"
trap 'session_stop' EXIT
fail() {
    echo "$server: error: $1" >&2
    [[ -f $session_dir/nocontactd.log ]] && tail -n 20 "$session_dir/nocontactd.log" >&2
    exit 1
}

flash_start "$server" || fail "could not start the private session and the server"
flash_start_daemon "$daemon" ${withdrawal:+--withdrawal "$withdrawal"} || fail "nocontactd did not start"
# The way nocontactd takes messages back, once it knows the server's name.
wait_for 10 flash_server_named || fail "nocontactd did not learn the server's name"
way=$(flash_status_of withdrawal)
[[ -z $withdrawal || $way == "$withdrawal" ]] || fail "nocontactd takes messages back $way"
export NOCONTACTD=$daemon NOCONTACTCTL
NOCONTACTCTL=$(dirname "$daemon")/nocontactctl
if [[ -n $hook ]]; then
    flash_run_hook "$hook" >"$session_dir/hook.log" 2>&1 || {
        cat "$session_dir/hook.log" >&2
        fail "the hook failed"
    }
fi

seen=0
stranger_round() {
    local i
    for ((i = 0; i < strangers; i++)); do
        flash_stranger && seen=$((seen + 1))
    done
}
stranger_round
from=$(flash_events | wc -l)
flash_contact_messages "$n" || fail "the contact's messages did not settle"
# How long each window stayed on screen during the contact's messages: FROM (show, or content:
# the mark appeared) until TO (hide, or plain: the mark went, or hide).
durations() {
    flash_events | tail -n +"$((from + 1))" | awk -v from="$1" -v to="$2" '
        $2 == from && !($3 in t) { t[$3] = $1 }
        $2 ~ to && ($3 in t) { d[++k] = ($1 - t[$3]) * 1000; delete t[$3] }
        END {
            if (k == 0) { print "-"; exit }
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (d[j] < d[i]) { x = d[i]; d[i] = d[j]; d[j] = x }
            printf "median %.0f ms, max %.0f ms", d[int((k + 1) / 2)], d[k]
        }'
}
on_screen=$(durations show '^hide$')
content=""
[[ -n $flash_mark ]] && content=$(printf '; content %d/%d (on screen %s)' "$flash_shown" "$n" \
    "$(durations content '^(plain|hide)$')")
stranger_round

printf '%-14s %-18s flashes %d/%d contact messages (%d draws; on screen %s)%s   strangers seen %d/%d\n' \
    "$server" "$way" "$flash_flashed" "$n" "$flash_drawn" "$on_screen" "$content" "$seen" \
    "$((2 * strangers))"
[[ $seen -eq $((2 * strangers)) ]] || fail "the detector missed a stranger's message: the count above means nothing"
