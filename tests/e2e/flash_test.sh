#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The flash detector (tests/e2e/flash.sh) on a real notification server, in a private session.
#
# Usage: flash_test.sh SERVER
#   The detector's self-test: with no notification sent, nothing is counted; a stranger's
#   message is counted as drawn; closing it leaves nothing on screen. Where messages carry the
#   mark (xfce4-notifyd, plasma): the stranger's content is seen, and a notification like
#   nocontact's placeholder (no image) is drawn but its content is not counted.
# Usage: flash_test.sh SERVER --with-rules NOCONTACTD NOCONTACTCTL [N]
#   nocontactd with one contact at firm, then `NOCONTACTCTL setup --yes` in the session: a
#   stranger is drawn before and after, none of N (default 20) messages from the contact is
#   drawn, and all N are in `nocontactctl held --json`.
# Usage: flash_test.sh SERVER --withdrawal WAY NOCONTACTD [N]
#   nocontactd with one contact at firm on a server where no rule holds a message before it is
#   drawn (xfce4-notifyd, plasma): it chooses WAY (config/withdrawal.cpp) by itself, and of N
#   (default 20) messages from the contact it puts its placeholder in each one's place
#   (replace-then-close) or in none (close-now); all N are kept; a stranger is drawn, content and
#   all, before and after. How many of the N had their content drawn all the same is printed,
#   not judged: on a busy machine the server draws before any close or replacement can reach it
#   (BENCHMARKS.md).
# SERVER: dunst | mako | swaync | xfce4-notifyd | plasma
set -uo pipefail
server=$1
mode=${2:-self-test}
# shellcheck source=tests/e2e/flash.sh
source "$(dirname "$0")/flash.sh"
export NOCONTACT_DATA_DIR=${NOCONTACT_DATA_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/config}
trap 'session_stop' EXIT
passed=0
failed=0
result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $server: $2"
        echo "--- what the detector saw:"
        flash_events | tail -n 20
        echo "--- the server's own log (last lines):"
        tail -n 20 "$session_dir/server.log" 2>/dev/null
        [[ -f $session_dir/nocontactd.log ]] && { echo "--- nocontactd's log:"; cat "$session_dir/nocontactd.log"; }
    fi
}

flash_start "$server" || { echo "FAIL: $server: could not start the private session and server"; exit 1; }

case $mode in
    self-test)
        # A measured window, not a wait: with nothing sent, the count must stay 0 through it.
        sleep 2
        [[ $(flash_count) -eq 0 && $(flash_visible) -eq 0 ]]
        result $? "nothing counted while no notification is sent"

        id=$(flash_send "Sam Rivera" "are we still on for Saturday?")
        wait_for 10 flash_count_above 0
        result $? "a stranger's message is counted as drawn"

        flash_close "$id"
        wait_for 10 flash_quiet
        result $? "closed, nothing of it is left on screen"

        # A second one, once the screen is clear again, is counted again: the count is per
        # appearance, not a one-off.
        before=$(flash_count)
        id=$(flash_send "Sam Rivera" "see you there")
        wait_for 10 flash_count_above "$before"
        result $? "a second stranger's message is counted too"
        flash_close "$id"
        wait_for 10 flash_quiet

        if [[ -n $flash_mark ]]; then
            # Calibration both ways: the mark is seen in a stranger's message, and never in
            # what has no image, like nocontact's placeholder.
            (($(flash_content_count) > 0))
            result $? "a stranger's content (the mark) is seen ($(flash_content_count) times)"
            before=$(flash_count)
            content=$(flash_content_count)
            id=$(notify-send -p -a nocontact -u low -h int:transient:1 \
                "nocontact kept a message for you" "")
            wait_for 10 flash_count_above "$before"
            result $? "a placeholder is counted as drawn"
            flash_close "$id"
            wait_for 10 flash_quiet
            [[ $(flash_content_count) -eq $content ]]
            result $? "a placeholder's content is not taken for a message's"
        fi
        ;;
    --with-rules)
        daemon=$3
        ctl=$4
        n=${5:-20}
        flash_start_daemon "$daemon"
        result $? "nocontactd starts and answers Status"
        flash_run_hook "$(printf '%q setup --yes' "$ctl")"
        result $? "nocontactctl setup --yes succeeds and the server runs after it"
        flash_expect_none "$server" "$n"
        result $? "no message from the contact is drawn"
        kept=$("$ctl" held --json | "$flash_py" -c 'import json, sys
print(sum(1 for m in json.load(sys.stdin) if m["contact"] == "Alex" and m["state"] == "held"))')
        [[ $kept -eq $n ]]
        result $? "all $n of the contact's messages are in held --json (there are $kept)"
        ! grep -q "can we talk tonight" "$session_dir/nocontactd.log"
        result $? "nocontactd's log holds no message text"
        if [[ $server != swaync ]]; then
            # Killed while the rules are in force: the server still hides what comes, and
            # nocontactd, started again, finds every one of them and says so.
            kill -9 "$flash_daemon_pid"
            wait "$flash_daemon_pid" 2>/dev/null
            before=$(flash_count)
            for i in 1 2 3 4 5; do
                flash_send "Alex Morgan" "while away $i: can we talk tonight?" >/dev/null
            done
            wait_for 10 flash_listed_at_least 5
            result $? "the server keeps the 5 messages sent while nocontactd was not running"
            [[ $(flash_count) -eq $before ]]
            result $? "none of them is drawn while nocontactd is not running"
            flash_start_daemon "$daemon"
            wait_for 15 flash_held_at_least $((n + 5))
            result $? "started again, nocontactd holds all $((n + 5)) (it holds $(flash_held))"
            wait_for 10 grep -q "not running are kept now" "$session_dir/nocontactd.log"
            result $? "nocontactd tells the person the 5 were kept while it was away"
            [[ $(flash_held) -eq $((n + 5)) ]]
            result $? "none is kept twice (it holds $(flash_held) of $((n + 5)))"
        fi
        ;;
    --withdrawal)
        way=$3
        daemon=$4
        n=${5:-20}
        flash_start_daemon "$daemon"
        result $? "nocontactd starts and answers Status"
        # Until it knows the server's name, nocontactd puts the placeholder first everywhere.
        wait_for 10 flash_server_named && flash_withdrawal_is "$way"
        result $? "nocontactd chooses $way on $server ($(flash_status_of withdrawal))"
        # Every Notify on the bus, as the server receives it: nocontact's own would be the
        # placeholder (only the app's name is kept, never a message's text).
        dbus-monitor --session \
            "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" |
            grep --line-buffered -A1 'member=Notify' | grep --line-buffered -o 'string "[^"]*"' \
                >"$session_dir/notify-apps" &
        session_pids+=($!)
        flash_stranger
        result $? "a stranger's message is seen drawn"
        flash_contact_messages "$n"
        result $? "all $n of the contact's messages settle"
        echo "figures: $server: $way: $flash_flashed of $n contact messages drawn ($flash_drawn" \
            "draws), their content in $flash_shown"
        flash_stranger
        result $? "a stranger's message is seen drawn after the contact's"
        apps_seen() { [[ $(grep -cx 'string "Signal"' "$session_dir/notify-apps") -eq $1 ]]; }
        wait_for 10 apps_seen $((n + 2))
        result $? "the bus watch saw every message sent ($(grep -c . "$session_dir/notify-apps"))"
        placeholders=$(grep -cx 'string "nocontact"' "$session_dir/notify-apps")
        [[ $way == close-now && $placeholders -eq 0 || $way == replace-then-close && $placeholders -eq $n ]]
        result $? "nocontactd put its placeholder in $placeholders of $n messages' places ($way)"
        [[ $(flash_held) -eq $n ]]
        result $? "all $n are kept (it holds $(flash_held))"
        ! grep -q "can we talk tonight" "$session_dir/nocontactd.log"
        result $? "nocontactd's log holds no message text"
        ;;
    *)
        echo "usage: flash_test.sh SERVER [--with-rules NOCONTACTD NOCONTACTCTL [N] | --withdrawal WAY NOCONTACTD [N]]" >&2
        exit 2
        ;;
esac

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
