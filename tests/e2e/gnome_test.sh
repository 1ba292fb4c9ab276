#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end on real GNOME Shell 43, headless, on private buses (gnome-shell-headless.sh):
# nocontactd watching, tests/e2e/notify_client.py as the messaging apps (each stays connected
# like a running app). What GNOME 43 does, verified by trying:
#  - GTK notifications (org.gtk.Notifications, served by gnome-shell itself) need a .desktop file
#    for their app id, or AddNotification fails with org.gtk.Notifications.InvalidApp; and
#    RemoveNotification(app_id, id) from any other client is honoured. So the contact's GTK
#    notification is removed.
#  - FDO notifications: Notify(replaces_id) and CloseNotification from another client are both
#    refused ("Invalid notification ID") while the sender is connected, so the daemon can only
#    report that it needs the GNOME Shell extension, and GNOME keeps showing the notification.
# Usage: gnome_test.sh NOCONTACTD NOCONTACTCTL SOURCE_DIR [SCREENSHOT.png]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Outside: prepare a private home for the shell, then run this script again inside the session.
if [[ -z "${NOCONTACT_GNOME_WORK:-}" ]]; then
    work=$(mktemp -d /tmp/nocontact-gnome.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work"/{data/applications,config,cache,state}
    # GNOME finds a GTK notification's app through its desktop file (Shell.AppSystem).
    printf '[Desktop Entry]\nType=Application\nName=Chats\nExec=true\n' \
        >"$work/data/applications/sm.puri.Chatty.desktop"
    # DISPLAY unset: nothing started on this bus may reach the caller's X server.
    env -u DISPLAY -u WAYLAND_DISPLAY NOCONTACT_GNOME_WORK="$work" \
        XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
        XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" \
        "$here/gnome-shell-headless.sh" --keep-logs "$work/logs" -- "$0" "$@"
    rc=$?
    if [[ $rc -eq 125 ]]; then
        echo "FAIL: GNOME Shell did not start; its log:"
        tail -40 "$work/logs/gnome-shell.log"
    fi
    exit $rc
fi

# The session's launcher sends stderr to the bus's log; ours belongs with the test's output.
exec 2>&1
daemon=$1
ctl=$2
src=$3
shot=${4:+$(realpath -m -- "$4")}  # GNOME saves a relative name under ~/Pictures
work=$NOCONTACT_GNOME_WORK
log=$work/nocontactd.log
passed=0
failed=0
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $2"
        echo "--- GNOME's message tray: $(tray)"
        echo "--- nocontactctl status --json: $("$ctl" status --json 2>&1)"
        echo "--- nocontactd's log:"
        cat "$log"
    fi
}

# wait_for DEADLINE_SECONDS COMMAND... : polls COMMAND until it succeeds or time runs out.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.1
    done
}

# GNOME's message tray as "source: title | source: title ..."; fails if Eval does.
tray() {
    local out
    out=$(gdbus call --session --dest org.gnome.Shell --object-path /org/gnome/Shell \
        --method org.gnome.Shell.Eval 'Main.messageTray.getSources().flatMap(
            s => s.notifications.map(n => s.title + ": " + n.title)).join(" | ")')
    [[ $out == "(true, "* ]] && echo "$out"
}
tray_has() { tray | grep -qF -- "$1"; }
tray_lacks() {
    local t
    t=$(tray) && ! grep -qF -- "$1" <<<"$t"
}
# status_is KEY VALUE : nocontactctl status --json has KEY equal to VALUE.
status_is() {
    local value
    value=$("$ctl" status --json | /usr/bin/python3 -c \
        'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1") && [[ $value == "$2" ]]
}

# app KIND ARGS... : starts a messaging app that sends one notification and stays connected.
app() {
    local out=$work/app-${#pids[@]}.out
    "$here/notify_client.py" "$@" >"$out" 2>&1 &
    pids+=($!)
    wait_for 10 grep -q '^sent ' "$out"
}

gtk_secret="Running late, save me a seat"
fdo_secret="meet me at the old place, please"

cat >"$work/policy.yaml" <<'YAML'
version: 1
defaults: { strictness: pause, region: US }
contacts:
  - name: Alex
    since: 2026-10-01
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan"], phones: ["+1 415 555 0100"] }
YAML
NOCONTACT_DATA_DIR=$src/config "$daemon" --policy "$work/policy.yaml" \
    --state-dir "$work/nocontact-state" >"$log" 2>&1 &
daemon_pid=$!
pids+=("$daemon_pid")
wait_for 20 "$ctl" status --json
result $? "nocontactd starts and nocontactctl status answers"

wait_for 20 status_is server_name gnome-shell
result $? "nocontactd knows the notification server is GNOME Shell"

# 1. GTK: the stranger's stays, the contact's is removed.
app gtk sm.puri.Chatty +14155550199 "New message from Mom" "Call me when you land" &&
    wait_for 10 tray_has "New message from Mom"
result $? "a stranger's GTK notification is shown by GNOME"

app gtk sm.puri.Chatty +14155550100 "New message from Alex Morgan" "$gtk_secret"
result $? "GNOME accepts the contact's GTK notification"

wait_for 10 tray_lacks "New message from Alex Morgan"
result $? "the contact's GTK notification is removed from GNOME's message tray"

wait_for 10 status_is withheld 1
result $? "nocontactd counts the GTK notification as withheld"

tray_has "New message from Mom"
result $? "the stranger's GTK notification is still there"

# 2. FDO: GNOME refuses to let another client touch it while the app is connected.
app fdo Signal signal "Alex Morgan" "$fdo_secret"
result $? "GNOME accepts the contact's FDO notification"

wait_for 10 status_is refused 1
result $? "GNOME refuses nocontact's close, and nocontactd counts the refusal"

status_is withholding needs-gnome-shell-extension
result $? "nocontactd reports that GNOME needs the GNOME Shell extension"

# The honest outcome until the extension exists: GNOME keeps showing it. When this starts to
# fail, the daemon has found a way to remove it: update this test.
tray_has 'Signal: Alex Morgan'
result $? "GNOME still shows the FDO notification it would not let go of"

! grep -qF -e "$gtk_secret" -e "$fdo_secret" "$log"
result $? "the daemon's log never holds message text"

# 3. A screenshot, and a clean stop.
if [[ -n "$shot" ]]; then
    rm -f "$shot"
    gdbus call --session --dest org.gnome.Shell.Screenshot \
        --object-path /org/gnome/Shell/Screenshot \
        --method org.gnome.Shell.Screenshot.Screenshot false false "$shot" >/dev/null &&
        test -s "$shot"
    result $? "a screenshot of GNOME Shell is saved"
fi

kill -TERM "$daemon_pid"
wait "$daemon_pid"
result $? "nocontactd exits 0 on SIGTERM"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
