#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end on real GNOME Shell 43, headless, on private buses (gnome-shell-headless.sh):
# nocontactd watching, the nocontact GNOME Shell extension (gnome-shell/) installed with
# `cmake --install` into a prefix whose share/ is in XDG_DATA_DIRS before the shell starts, and
# tests/e2e/notify_client.py as the messaging apps (each stays connected like a running app).
# What GNOME 43 does, verified by trying:
#  - org.freedesktop.Notifications is served by a separate process (org.gnome.Shell.Notifications)
#    that forwards to GNOME Shell and refuses Notify(replaces_id) and CloseNotification from
#    anyone but the notification's sender while it is connected. Without the extension, nocontactd
#    can only report that it needs it.
#  - GTK notifications (org.gtk.Notifications, served by gnome-shell itself) need a .desktop file
#    for their app id, or AddNotification fails with org.gtk.Notifications.InvalidApp.
# With the extension enabled, GNOME Shell asks nocontactd Decide before it builds a notification:
# the contact's never enter Main.messageTray, not even for a frame (a recorder in the shell,
# installed through org.gnome.Shell.Eval, lists every notification added to a source or shown as
# a banner); strangers' and nocontact's own pause do, and so does a message the person chooses
# to read; while the extension runs nocontactd tries no close of its own, and switched off it
# falls back to closing; when nocontactd is too slow (SIGSTOP) or stopped, all shows as usual.
# Usage: gnome_test.sh NOCONTACTD NOCONTACTCTL SOURCE_DIR [SCREENSHOT.png [BUILD_DIR]]
#   BUILD_DIR: the extension is installed from it with cmake --install; without it, it is
#   copied from SOURCE_DIR/gnome-shell.
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
    # Telegram, as the Shell knows it: the app started from a terminal in step 6.
    printf '[Desktop Entry]\nType=Application\nName=Telegram Desktop\nExec=true\n' \
        >"$work/data/applications/org.telegram.desktop.desktop"
    # The extension, where a package puts it; GNOME Shell looks for extensions at start only.
    uuid=nocontact@nocontact.org
    if [[ -n "${5:-}" ]]; then
        cmake --install "$5" --prefix "$work/prefix" --component gnome-shell-extension >/dev/null
    else
        mkdir -p "$work/prefix/share/gnome-shell/extensions/$uuid"
        cp "$3"/gnome-shell/$uuid/{metadata.json,extension.js} \
            "$3"/gnome-shell/shared/nocontact.js \
            "$work/prefix/share/gnome-shell/extensions/$uuid/"
    fi
    if [[ ! -s "$work/prefix/share/gnome-shell/extensions/$uuid/extension.js" ]]; then
        echo "FAIL: the GNOME Shell extension was not installed"
        exit 1
    fi
    # DISPLAY unset: nothing started on this bus may reach the caller's X server.
    env -u DISPLAY -u WAYLAND_DISPLAY NOCONTACT_GNOME_WORK="$work" \
        XDG_DATA_DIRS="$work/prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
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
        echo "--- GNOME Shell's log, about the extension:"
        grep -E "nocontact|JS ERROR|JS WARNING" "$work/logs/gnome-shell.log"
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
tray_count() { tray | grep -oF -- "$1" | wc -l; }
# tray_grows TEXT N : TEXT appears in the tray more than N times.
tray_grows() { (($(tray_count "$1") > $2)); }
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

shell_eval() {
    gdbus call --session --dest org.gnome.Shell --object-path /org/gnome/Shell \
        --method org.gnome.Shell.Eval "$1"
}
# Records, inside GNOME Shell, the title of every notification added to any message-tray source
# ("added: ...") or shown as a banner ("banner: ..."), from now on.
start_recording() {
    shell_eval '(() => {
        const seen = global._nocontactSeen = [];
        const watch = s => {
            s.connect("notification-added", (s_, n) => seen.push("added: " + n.title));
            s.connect("notification-show", (s_, n) => seen.push("banner: " + n.title));
        };
        Main.messageTray.getSources().forEach(watch);
        Main.messageTray.connect("source-added", (t_, s) => watch(s));
        return "recording";
    })()' | grep -q recording
}
eval_true() { [[ $(shell_eval "$1") == "(true, 'true')" ]]; }
# Eval answers with the value as JSON: the list itself.
recorded() { shell_eval 'global._nocontactSeen'; }
# never_recorded TITLE : no notification titled exactly TITLE ever entered the tray or a banner.
never_recorded() {
    local out
    out=$(recorded) && [[ $out == "(true, "* ]] && /usr/bin/python3 -c '
import ast, json, sys
seen = json.loads(ast.literal_eval(sys.argv[1][len("(true, "):-1]))
sys.exit(any(s.split(": ", 1)[1] == sys.argv[2] for s in seen))' "$out" "$1"
}
held_count_is() {
    local n
    n=$("$ctl" held --json |
        /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))') &&
        [[ $n == "$1" ]]
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
defaults: { strictness: pause, pause: 3s, region: US }
contacts:
  - name: Alex
    since: 2026-10-01
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan"], phones: ["+1 415 555 0100"] }
reaching_out: { from: pause, freeze: true, grace: 10m }
YAML
# Never the machine's system bus (ModemManager): a test's daemon follows only what it is given.
NOCONTACT_DATA_DIR=$src/config DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/no-system-bus" \
    "$daemon" --policy "$work/policy.yaml" --state-dir "$work/nocontact-state" >"$log" 2>&1 &
daemon_pid=$!
pids+=("$daemon_pid")
# Our nocontactd owns its name before anything calls it: a call would otherwise start whatever
# nocontactd the bus can activate (an installed package's).
owns_its_name() {
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetNameOwner org.nocontact.Daemon1
}
wait_for 20 owns_its_name && wait_for 20 "$ctl" status --json
result $? "nocontactd starts and nocontactctl status answers"

wait_for 20 status_is server_name gnome-shell
result $? "nocontactd knows the notification server is GNOME Shell"

# 1. The extension: enabled like a person would, and nocontactd notices it.
gnome-extensions enable nocontact@nocontact.org
result $? "gnome-extensions enable nocontact@nocontact.org succeeds"

wait_for 20 status_is withholding gnome-shell-extension
result $? "nocontactd knows the GNOME Shell extension is running"
if [[ $failed -gt 0 ]]; then
    gnome-extensions info nocontact@nocontact.org
    tail -20 "$work/logs/gnome-shell.log"
fi

start_recording
result $? "a recorder of every notification GNOME Shell adds or shows is in place"

# 2. GTK: the stranger's is shown, the contact's never is.
app gtk sm.puri.Chatty +14155550199 "New message from Mom" "Call me when you land" &&
    wait_for 10 tray_has "New message from Mom"
result $? "a stranger's GTK notification is shown by GNOME"

app gtk sm.puri.Chatty +14155550100 "New message from Alex Morgan" "$gtk_secret"
result $? "GNOME accepts the contact's GTK notification"

wait_for 10 status_is withheld 1
result $? "nocontactd holds the contact's GTK notification"

recorded | grep -qF "added: New message from Mom" &&
    never_recorded "New message from Alex Morgan" && tray_lacks "New message from Alex Morgan"
result $? "the contact's GTK notification never entered GNOME's message tray or a banner"

# 3. FDO, from an app that stays connected: the same.
app fdo Signal signal "Sam Lee" "lunch tomorrow?" && wait_for 10 tray_has "Sam Lee"
result $? "a stranger's FDO notification is shown by GNOME"

app fdo Signal signal "Alex Morgan" "$fdo_secret"
result $? "GNOME accepts the contact's FDO notification"

wait_for 10 status_is withheld 2
result $? "nocontactd holds the contact's FDO notification"

recorded | grep -qF "added: Sam Lee" &&
    never_recorded "Alex Morgan" && tray_lacks "Signal: Alex Morgan"
result $? "the contact's FDO notification never entered GNOME's message tray or a banner"

# 4. The pause, through GNOME's notifications like any other; nothing kept twice or refused.
wait_for 10 tray_has "take a breath"
result $? "the reflective pause appears in GNOME"

held_count_is 2
result $? "each held message is kept exactly once"

status_is refused 0 && ! grep -q "would not let nocontact close" "$log"
result $? "nocontactd tried no close GNOME would refuse"

"$ctl" status | grep -q "GNOME Shell extension keeps messages back"
result $? "nocontactctl status says the GNOME Shell extension is in use"

"$ctl" status | grep -qE "GNOME Shell extension: nocontact@nocontact.org, version [0-9]+, \
on GNOME Shell 4[34]\.[0-9.]+; it answers\."
result $? "nocontactctl status names the extension, its version and GNOME Shell's, and it answers"

! grep -qF -e "$gtk_secret" -e "$fdo_secret" "$log"
result $? "the daemon's log never holds message text"

# 5. A screenshot of the message list, where a person would look (animations off, so the
# picture is not taken halfway through one).
if [[ -n "$shot" ]]; then
    rm -f "$shot"
    shell_eval 'imports.gi.St.Settings.get().inhibit_animations();
        Main.panel.statusArea.dateMenu.menu.open(); "opened"' >/dev/null
    wait_for 10 eval_true 'Main.panel.statusArea.dateMenu.menu.isOpen'
    gdbus call --session --dest org.gnome.Shell.Screenshot \
        --object-path /org/gnome/Shell/Screenshot \
        --method org.gnome.Shell.Screenshot.Screenshot false false "$shot" >/dev/null &&
        test -s "$shot"
    result $? "a screenshot of GNOME Shell is saved"
fi

# 6. Switched off, the extension gives the notifications back to nocontactd's own withholding.
shell_eval 'Main.panel.statusArea.dateMenu.menu.close(); "closed"' >/dev/null
gnome-extensions disable nocontact@nocontact.org &&
    wait_for 10 status_is withholding needs-gnome-shell-extension
result $? "with the extension disabled, nocontactd falls back to closing notifications itself"

gnome-extensions enable nocontact@nocontact.org &&
    wait_for 10 status_is withholding gnome-shell-extension
result $? "enabled again, nocontactd uses the extension again"

# The reaching-out pause for an app started without a unit of its own (from a terminal): only
# GNOME Shell sees it start, and the extension tells nocontactd. Let it go closes the app.
"$here/window_app.py" org.telegram.desktop >"$work/window-app.out" 2>&1 &
window_app=$!
pids+=("$window_app")
wait_for 20 tray_has "You're opening Telegram"
result $? "an app started from a terminal gets the pause before use, through GNOME Shell"

reach_offers_let_go() {
    eval_true 'Main.messageTray.getSources().some(s => s.notifications.some(
        n => n.title.includes("opening Telegram") && n.actions.some(a => a.label === "Let it go")))'
}
wait_for 10 reach_offers_let_go &&
    shell_eval 'Main.messageTray.getSources().flatMap(s => s.notifications)
        .find(n => n.title.includes("opening Telegram")).actions
        .find(a => a.label === "Let it go").callback(); "chosen"' | grep -q chosen &&
    wait_for 10 eval "! kill -0 $window_app"
result $? "letting it go closes the app started from a terminal"

# 7. The person takes the pause and chooses Read it: nocontactd posts the messages again, and
# the extension lets them through, as they come from nocontactd itself.
pause_offers_read_it() {
    eval_true 'Main.messageTray.getSources().some(s => s.notifications.some(
        n => n.title.includes("take a breath") && n.actions.some(a => a.label === "Read it")))'
}
wait_for 20 pause_offers_read_it &&
    shell_eval 'Main.messageTray.getSources().flatMap(s => s.notifications)
        .find(n => n.title.includes("take a breath")).actions
        .find(a => a.label === "Read it").callback(); "chosen"' | grep -q chosen
result $? "after its countdown the pause offers Read it, and the person chooses it"

wait_for 10 tray_has "Signal: Alex Morgan" && held_count_is 0
result $? "Read it brings the contact's message back, and GNOME shows it"

# Its own notifications (the pause and its updates, the message read) are not even asked about:
# nocontactd posts them with a blocking call, so asking would mean waiting out the deadline.
! grep -q "nocontactd did not answer in time" "$work/logs/gnome-shell.log"
result $? "the extension never had to show a notification because nocontactd was slow"

# 8. nocontactd too slow (stopped with SIGSTOP): GNOME shows the notification after the
# extension's deadline, and nocontactd, answering late, does not hold it as well.
kill -STOP "$daemon_pid"
before=$(tray_count "Signal: Alex Morgan")
app fdo Signal signal "Alex Morgan" "while nocontactd was frozen" &&
    wait_for 10 tray_grows "Signal: Alex Morgan" "$before"
result $? "a notification nocontactd cannot answer in time shows as usual"
kill -CONT "$daemon_pid"

# Status is answered after the late Decide (calls reach nocontactd in order).
status_is withheld 2 && held_count_is 0
result $? "nocontactd, answering too late, holds nothing GNOME has shown"

# 9. A clean stop; then, without nocontactd, the extension lets everything through.
kill -TERM "$daemon_pid"
wait "$daemon_pid"
result $? "nocontactd exits 0 on SIGTERM"

app gtk sm.puri.Chatty +14155550100 "New message from Alex Morgan" "with nocontactd stopped" &&
    wait_for 10 tray_has "New message from Alex Morgan"
result $? "without nocontactd, the contact's GTK notification shows as usual"

before=$(tray_count "Signal: Alex Morgan")
app fdo Signal signal "Alex Morgan" "with nocontactd stopped" &&
    wait_for 10 tray_grows "Signal: Alex Morgan" "$before"
result $? "without nocontactd, the contact's FDO notification shows as usual"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
