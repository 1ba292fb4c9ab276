#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# dunst_newer_test.sh's checks, run inside the newer root with the nocontactd and nocontactctl
# built there: real dunst (1.12 on Debian 13) under Xvfb on a private bus, reading the system's
# dunstrc, then `nocontactctl setup`'s rules.
#   inside.sh BUILD_DIR   (this script's folder also holds session.sh and data/apps.yaml)
exec 2>&1
cd "$(dirname "$0")" || exit 2
build=$1
ctl=$build/nocontactctl
here=$PWD
# The private session's helpers: wait_for, and its bus (session_start_bus) and X server.
# shellcheck source=tests/e2e/session.sh
source "$here/session.sh"
tmp=$session_dir
log=$tmp/nocontactd.log
pids=()
passed=0
failed=0
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null || true; done
    session_stop  # the bus, Xvfb, and the folder
}
trap cleanup EXIT

check() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
        echo "PASS: $2"
        return
    fi
    failed=$((failed + 1))
    echo "FAIL: $2"
    echo "--- dunst's counts: displayed $(count displayed), waiting $(count waiting)," \
        "history $(count history)"
    echo "--- nocontactctl status --json: $("$ctl" status --json 2>&1)"
    sed 's/^/  setup: /' "$tmp/setup.out" 2>/dev/null | tail -20
    sed 's/^/  nocontactd: /' "$log" 2>/dev/null
    sed 's/^/  dunst: /' "$tmp/dunst.log" 2>/dev/null | tail -20
    grep -h ConfigReload "$tmp/monitor.log" | sed 's/^/  bus: /'
    # The conversation with dunst, timed: calls to it and their replies.
    echo "  bus traffic to and from dunst (${dunst_name:-?}):"
    # RuleEnable calls, many at a time, and their replies are counted, not listed.
    awk -v dunst="${dunst_name:-?}" '
        $4 != dunst && $5 != dunst { next }
        function flush() {
            if (calls || replies)
                print "    (" calls " RuleEnable calls, " replies " replies, " first " to " last ")"
            calls = replies = 0; first = ""
        }
        $1 == "mc" && $8 == "RuleEnable" { rules[$4 " " $3] = 1; calls++ }
        $1 == "mr" && (($5 " " $6) in rules) { replies++ }
        ($1 == "mc" && $8 == "RuleEnable") || ($1 == "mr" && (($5 " " $6) in rules)) {
            if (first == "") first = $2
            last = $2; next
        }
        { flush(); print "    " $0 }
        END { flush() }
    ' "$tmp/traffic.log" | tail -n 80
    echo "  nocontactd is process ${daemon:-none}"
}
count() { dunstctl count "$1"; }
# shown_now: what dunst has on screen or about to put there (a rule's skip_display sends a
# notification to its history before either).
shown_now() { echo $(($(count displayed) + $(count waiting))); }
shown_is() { [[ $(shown_now) -eq $1 ]]; }
signal() {  # SUMMARY BODY: a notification shaped like Signal Desktop's
    notify-send -a Signal -h string:desktop-entry:signal -- "$1" "$2"
}
# json_field KEY : KEY of the JSON object on stdin.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
status_is() { [[ $("$ctl" status --json | json_field "$1") == "$2" ]]; }
held_before_drawing_is() { status_is held_before_drawing "$1"; }
# in_history BODY CATEGORY : dunst's history has a notification with BODY, of CATEGORY.
in_history() {
    dunstctl history | python3 -c '
import json, sys
found = [n for n in json.load(sys.stdin)["data"][0] if n["body"]["data"] == sys.argv[1]]
sys.exit(0 if found and all(n["category"]["data"] == sys.argv[2] for n in found) else 1)' "$1" "$2"
}
not_in_history() { ! dunstctl history | grep -qF -- "$1"; }
bus_call() {  # METHOD ARGS... on the bus itself
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        "org.freedesktop.DBus.$1" "${@:2}"
}
pid_of() { bus_call GetConnectionUnixProcessID "string:$1" 2>/dev/null | awk '/uint32/ {print $2}'; }
# reloads_by PID : how many times process PID asked dunst to read its settings again (on any of
# its connections: nocontactd has more than one).
reloads_by() {
    local n=0 sender
    while read -r sender; do
        [[ $(pid_of "$sender") == "$1" ]] && n=$((n + 1))
    done < <(sed -n 's/.* sender=\([^ ]*\) .*member=ConfigReload$/\1/p' "$tmp/monitor.log")
    echo "$n"
}
reloads_grew() { (($(reloads_by "$1") > $2)); }
write_policy() {  # CONTACT... : whole, in one step, as an editor saves it
    {
        printf 'version: 1\ncontacts:\n'
        for name in "$@"; do
            printf '  - name: %s\n    strictness: firm\n    match: { names: ["%s"] }\n' \
                "${name%% *}" "$name"
        done
    } >"$policy.new" && mv "$policy.new" "$policy"
}

# --- the session: a private bus, Xvfb, and dunst as it starts in a desktop ------------------
session_start_bus own-user && session_start_x
check $? "a private bus and Xvfb start in the root"
home=$tmp/home
mkdir -p "$home/config/nocontact" "$tmp/bin"
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state
unset XDG_CONFIG_DIRS  # dunst and setup find the system's /etc/xdg/dunst/dunstrc
export NOCONTACT_DATA_DIR=$here/data
policy=$home/config/nocontact/policy.yaml
write_policy "Alex Morgan"
# A stand-in systemctl: no user manager runs here, and setup's questions to one are not tested.
printf '#!/bin/sh\necho "$*" >>"%s/systemctl.log"\ncase "$*" in *is-enabled*) echo disabled; exit 1;; esac\n' \
    "$tmp" >"$tmp/bin/systemctl"
chmod +x "$tmp/bin/systemctl"
export PATH="$tmp/bin:$PATH"

# Every ConfigReload on the bus, with its sender (the bus lets a monitor see all).
dbus-monitor --session "type='method_call',member='ConfigReload'" >"$tmp/monitor.log" 2>&1 &
pids+=($!)
wait_for 10 grep -q NameAcquired "$tmp/monitor.log"
check $? "a monitor of ConfigReload calls is on the bus"

# Everything on the bus, one line a message with its time, for when a check fails.
dbus-monitor --session --profile >"$tmp/traffic.log" 2>&1 &
pids+=($!)

dunst >"$tmp/dunst.log" 2>&1 &
pids+=($!)
wait_for 10 dunstctl is-paused && dunst_version=$(dunst -v | head -n1)
check $? "dunst starts: $dunst_version"
dunst_name=$(bus_call GetNameOwner string:org.freedesktop.Notifications |
    sed -n 's/.*string "\(.*\)"/\1/p')

# --- setup writes the rules and asks dunst to read them --------------------------------------
timeout 30 "$ctl" setup --yes </dev/null >"$tmp/setup.out" 2>&1 &&
    grep -q "Ask dunst to read its settings again" "$tmp/setup.out" &&
    grep -q "Alex Morgan" "$home/config/dunst/dunstrc.d/90-nocontact.conf"
check $? "nocontactctl setup writes the rules and asks dunst to read its settings again"

DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-system-bus" "$build/nocontactd" \
    --policy "$policy" --state-dir "$tmp/nocontact-state" >"$log" 2>&1 &
daemon=$!
pids+=("$daemon")
wait_for 20 "$ctl" status --json && wait_for 20 status_is rules_server dunst &&
    wait_for 20 held_before_drawing_is "['Alex']"
check $? "nocontactd starts, sees dunst 1.12 and its rules: Alex's messages are held before drawing"

signal "Alex Morgan" "see you at the lake"
shown_is 0 && wait_for 10 status_is withheld 1
check $? "Alex's message is never shown by dunst, and nocontactd keeps it"
signal "Jordan Lee" "is this still your number?"
shown_is 1
check $? "Jordan, not yet in the policy, is shown"
dunstctl close-all

# --- the policy gains a contact: nocontactd rewrites the rules and has dunst re-read them ----
reloads=$(reloads_by "$daemon")
write_policy "Alex Morgan" "Jordan Lee"
wait_for 20 grep -q "Jordan Lee" "$home/config/dunst/dunstrc.d/90-nocontact.conf"
check $? "with Jordan in the policy, nocontactd writes a rule for him"
wait_for 20 reloads_grew "$daemon" "$reloads"
check $? "nocontactd asks dunst to read its settings again (ConfigReload)"
wait_for 20 held_before_drawing_is "['Alex', 'Jordan']"
check $? "dunst knows Jordan's rule now: nocontactd switched it on"
# How long dunst took over the switching (its replies to nocontactd's RuleEnable calls).
awk -v dunst="$dunst_name" '
    $1 == "mc" && $5 == dunst && $8 == "RuleEnable" { call[$4 " " $3] = $2; n++ }
    $1 == "mr" && $4 == dunst && (($5 " " $6) in call) {
        t = $2 - call[$5 " " $6]; if (t > most) most = t; answered++ }
    END { printf "  dunst answered %d of %d RuleEnable calls, each within %.0f ms\n",
          answered, n, most * 1000 }' "$tmp/traffic.log"

# nocontact's own notifications (the pause, with the person's reasons) stay out of dunst's
# history by the drop-in's nocontact-own rule: nocontactd switches contacts' rules, not that one.
notify-send -a nocontact -- "Alex wrote — take a breath" "You chose this for good reasons."
wait_for 5 shown_is 1 && dunstctl close-all && wait_for 5 shown_is 0 &&
    not_in_history "You chose this for good reasons."
check $? "nocontact's own notifications still stay out of dunst's history"

# dunst alone decides while nocontactd is stopped: nothing could take a shown message away.
kill -STOP "$daemon"
signal "Jordan Lee" "can we talk?"
jordan_shown=$(shown_now)
in_history "can we talk?" nocontact-held
jordan_held=$?
signal "Sam Rivera" "are we still on for Saturday?"
sam_shown=$(shown_now)
kill -CONT "$daemon"
[[ $jordan_shown -eq 0 && $jordan_held -eq 0 ]]
check $? "dunst's new rule holds Jordan's message: never displayed, straight to its history"
[[ $sam_shown -eq 1 ]]
check $? "a stranger's message is still shown"
wait_for 10 status_is withheld 2 && wait_for 10 not_in_history "can we talk?"
check $? "nocontactd keeps Jordan's message and takes it out of dunst's history"
! grep -qF -e "see you at the lake" -e "can we talk?" "$log"
check $? "nocontactd's log never holds message text"

kill -TERM "$daemon" && wait "$daemon"
check $? "nocontactd exits 0 on SIGTERM"
echo "dunst's ConfigReload with nocontactd: $passed passed, $failed failed ($dunst_version)"
[[ $failed -eq 0 ]]
