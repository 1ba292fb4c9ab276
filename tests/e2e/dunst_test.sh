#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end on a real notification server: dunst under Xvfb on a private bus, nocontactd
# watching, notify-send as the messaging app.
# Usage: dunst_test.sh NOCONTACTD SOURCE_DIR [SCREENSHOT.png]
set -uo pipefail
daemon=$1
src=$2
shot=${3:-}
source "$src/tests/e2e/session.sh"
passed=0
failed=0
log=$session_dir/nocontactd.log
trap 'session_stop' EXIT

result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $2"
        echo "--- nocontactd's log:"
        cat "$log"
    fi
}
displayed() { dunstctl count displayed; }
# displayed_at_least N / displayed_is N: for wait_for, which runs them again on every poll.
displayed_at_least() { [[ $(displayed) -ge $1 ]]; }
displayed_is() { [[ $(displayed) -eq $1 ]]; }
history_has() { dunstctl history | grep -q -- "$1"; }
# Only withheld notifications are ever closed here, so dunst's history counts them.
withheld_are() { [[ $(dunstctl count history) -eq $1 ]]; }
secret="meet me at the old place, please"

session_start || { echo "FAIL: could not start the private session"; exit 1; }
export NOCONTACT_DATA_DIR=$src/config
cat >"$session_dir/policy.yaml" <<'YAML'
version: 1
defaults: { strictness: pause, region: US, pause: 3s }
contacts:
  - name: Alex
    since: 2026-10-01
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan"], phones: ["+1 415 555 0100"] }
YAML
# Never the machine's system bus (ModemManager): a test's daemon follows only what it is given.
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$session_dir/no-system-bus" \
    "$daemon" --policy "$session_dir/policy.yaml" --state-dir "$session_dir/state" >"$log" 2>&1 &
daemon_pid=$!
session_pids+=("$daemon_pid")
wait_for 10 dbus-send --session --print-reply --dest=org.nocontact.Daemon1 \
    /org/nocontact/Daemon1 org.nocontact.Daemon1.Status
result $? "nocontactd starts and answers Status"

notify-send -a Signal -h string:desktop-entry:signal "Sam Rivera" "are we still on for Saturday?"
wait_for 5 displayed_at_least 1
result $? "a stranger's notification is shown"

notify-send -a Signal -h string:desktop-entry:signal "Alex Morgan" "$secret"
wait_for 5 history_has "nocontact kept a message for you"
result $? "the contact's notification is withheld within seconds"

# On screen: Sam's, and nocontact's reflective pause in place of Alex's message.
wait_for 5 displayed_is 2 && ! history_has "$secret" && ! history_has "Sam Rivera"
result $? "only the contact's was touched, a pause took its place, and dunst's history keeps none of its text"

notify-send -a Signal -h string:desktop-entry:signal "Sam Rivera" "did Alex text you?"
# A barrier, not a sleep: once a later message from the contact has been withheld, the daemon
# has judged Sam's too.
notify-send -a Signal -h string:desktop-entry:signal "Alex Morgan" "$secret (again)"
# Alex's second message joins the open pause: Sam's two and one pause are on screen.
wait_for 5 withheld_are 2 && [[ "$(displayed)" -eq 3 ]]
result $? "a stranger mentioning the contact is left alone, and a second message folds into the pause"

# The pause is on screen (Sam's two messages beside it): the picture a person would see.
if [[ -n "$shot" ]]; then
    import -window root "$shot" 2>/dev/null
    result $? "a screenshot of the pause is saved"
fi

# Read it, through dunst's own D-Bus interface: `dunstctl context` (org.dunstproject.cmd0.
# ContextMenuCall) offers every action on screen through dmenu, whose stand-in picks "Read it"
# once the countdown has ended and the pause offers it.
offers() { dunstctl context && grep -q "^#$1 (Alex wrote 2 messages" "$session_dir/dmenu.log"; }
wait_for 5 offers "Let it go"
result $? "the pause offers Let it go"
echo "Read it" >"$session_dir/dmenu-choice"
wait_for 10 offers "Read it"
result $? "after the countdown the pause offers Read it, and dunst invokes it"

# Both messages come back as they were; closing them puts them in dunst's history, where the
# text can now be, because the person chose to read it.
back() { dunstctl close-all && history_has "$secret (again)" && history_has "$secret\""; }
# dunst hands the choice from its menu thread to its main loop: until both messages are on
# screen (beside Sam's two), closing everything could beat "Read it" to the pause.
wait_for 15 displayed_at_least 4
# dunst shows them from its own loop; a machine busy with other builds can take a while.
wait_for 15 back
status=$?
if [[ $status -ne 0 ]]; then
    echo "--- what dmenu was offered:"; cat "$session_dir/dmenu.log"
    echo "--- dunst's history (summaries):"; dunstctl history | grep -A2 '"summary"' | grep data
    echo "--- dunst's own log:"; grep -v "^$" "$session_dir/dunst.log" | tail -n 20
fi
result $status "Read it brings the messages back"

! grep -q -- "$secret" "$log"
result $? "the daemon's log never holds message text"


kill -TERM "$daemon_pid"
wait "$daemon_pid"
result $? "nocontactd exits 0 on SIGTERM"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
