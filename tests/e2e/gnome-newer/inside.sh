#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# gnome_newer_test.sh's checks, run inside the headless GNOME Shell session of the newer root,
# with the real nocontactd and nocontactctl built there.
#   inside.sh BUILD_DIR   (this script's folder also holds notify_client.py, window_app.js and
#                          data/apps.yaml, the built-in profiles)
exec 2>&1
cd "$(dirname "$0")" || exit 2
build=$1
ctl=$build/nocontactctl
work=$PWD
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

check() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
        echo "PASS: $2"
        return
    fi
    failed=$((failed + 1))
    echo "FAIL: $2"
    echo "--- GNOME's message tray: $(tray)"
    echo "--- nocontactctl status --json: $("$ctl" status --json 2>&1)"
    echo "--- nocontactd's log:"
    cat "$log"
    echo "--- GNOME Shell's log, about the extension:"
    grep -E "nocontact|JS ERROR|JS WARNING" "$NOCONTACT_GS_LOGS/gnome-shell.log"
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
shell_eval() {
    gdbus call --session --dest org.gnome.Shell --object-path /org/gnome/Shell \
        --method org.gnome.Shell.Eval "$1"
}
eval_true() { [[ $(shell_eval "$1") == "(true, 'true')" ]]; }
# GNOME's message tray as "source: title | source: title ..."; fails if Eval does.
tray() {
    local out
    out=$(shell_eval 'Main.messageTray.getSources().flatMap(
        s => s.notifications.map(n => s.title + ": " + n.title)).join(" | ")')
    [[ $out == "(true, "* ]] && echo "$out"
}
tray_has() { tray | grep -qF -- "$1"; }
tray_lacks() {
    local t
    t=$(tray) && ! grep -qF -- "$1" <<<"$t"
}
# Records, inside GNOME Shell, every notification added to a message-tray source ("added: ...")
# or asked to be shown as a banner ("banner: ..."), from now on. GNOME 46 and later name the
# banner's signal notification-request-banner (43: notification-show).
start_recording() {
    shell_eval '(() => {
        const seen = global._nocontactSeen = [];
        const watch = s => {
            s.connect("notification-added", (s_, n) => seen.push("added: " + n.title));
            s.connect("notification-request-banner", (s_, n) => seen.push("banner: " + n.title));
        };
        Main.messageTray.getSources().forEach(watch);
        Main.messageTray.connect("source-added", (t_, s) => watch(s));
        return "recording";
    })()' | grep -q recording
}
recorded() { shell_eval 'global._nocontactSeen'; }
# never_recorded TITLE : no notification titled exactly TITLE ever entered the tray or a banner.
never_recorded() {
    local out
    out=$(recorded) && [[ $out == "(true, "* ]] && python3 -c '
import ast, json, sys
seen = json.loads(ast.literal_eval(sys.argv[1][len("(true, "):-1]))
sys.exit(any(s.split(": ", 1)[1] == sys.argv[2] for s in seen))' "$out" "$1"
}
# json_field KEY : KEY of the JSON object on stdin.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
status_is() { [[ $("$ctl" status --json | json_field "$1") == "$2" ]]; }
held_count_is() {
    [[ $("$ctl" held --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))') \
        == "$1" ]]
}
state_is() { gnome-extensions info "$1" | grep -q "State: $2"; }
# Both hooks are on GNOME Shell's own instances (true), or neither is (false).
hooks_are() {
    eval_true "Object.hasOwn(Main.notificationDaemon._fdoNotificationDaemon, 'NotifyAsync') ===
        $1 && Object.hasOwn(Main.notificationDaemon._gtkNotificationDaemon,
        'AddNotificationAsync') === $1"
}
# app KIND ARGS... : starts a messaging app that sends one notification and stays connected.
app() {
    local out=$work/app-${#pids[@]}.out
    python3 notify_client.py "$@" >"$out" 2>&1 &
    pids+=($!)
    wait_for 10 grep -q '^sent ' "$out"
}
# choose TITLE_PART LABEL : the person picks LABEL on the notification whose title has TITLE_PART
# (GNOME 46 and later: an action is an object with activate(); 43 had a callback).
offers() {
    eval_true "Main.messageTray.getSources().some(s => s.notifications.some(
        n => n.title.includes('$1') && n.actions.some(a => a.label === '$2')))"
}
choose() {
    wait_for 20 offers "$1" "$2" &&
        shell_eval "Main.messageTray.getSources().flatMap(s => s.notifications)
            .find(n => n.title.includes('$1')).actions
            .find(a => a.label === '$2').activate(); 'chosen'" | grep -q chosen
}

version=$(gnome-shell --version)
echo "running on $version"
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
# Never a system bus (the session's has a stand-in logind only): it follows what it is given.
NOCONTACT_DATA_DIR=$work/data DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/no-system-bus" \
    "$build/nocontactd" --policy "$work/policy.yaml" --state-dir "$work/state" >"$log" 2>&1 &
daemon=$!
pids+=("$daemon")
owns_its_name() {
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetNameOwner org.nocontact.Daemon1
}
wait_for 20 owns_its_name && wait_for 20 "$ctl" status --json &&
    wait_for 20 status_is server_name gnome-shell
check $? "nocontactd (the root's build) starts and knows the server is GNOME Shell"

# 1. Both extensions enabled, one after the other: GNOME Shell loads only the one made for it.
# (Enabled in the same instant, GNOME Shell 48 can lose track of the first: its enabling is
# asynchronous, and two changes of the setting overlap. README says to enable the one for your
# version.)
gnome-extensions enable nocontact45@nocontact.org &&
    wait_for 10 state_is nocontact45@nocontact.org ACTIVE
check $? "nocontact45@nocontact.org is enabled and active"
gnome-extensions enable nocontact@nocontact.org &&
    wait_for 10 state_is nocontact@nocontact.org "OUT OF DATE"
check $? "nocontact@nocontact.org, enabled too, is out of date here, and not loaded"
wait_for 10 hooks_are true
check $? "NotifyAsync and AddNotificationAsync are patched on GNOME Shell's own instances"

wait_for 20 status_is withholding gnome-shell-extension
check $? "nocontactd knows the GNOME Shell extension is running"
"$ctl" status | grep -q "GNOME Shell extension keeps messages back" &&
    "$ctl" status | grep -qF "GNOME Shell extension: nocontact45@nocontact.org, version 1, \
on GNOME Shell ${version#GNOME Shell }; it answers."
check $? "nocontactctl status says the extension keeps messages back, and names it and GNOME's version"

start_recording
check $? "a recorder of every notification GNOME Shell adds or shows is in place"

# 2. FDO and GTK: a stranger's is shown, the contact's never is.
app fdo Signal signal "Sam Lee" "lunch tomorrow?" && wait_for 10 tray_has "Signal: Sam Lee"
check $? "a stranger's FDO notification is shown by GNOME"
app fdo Signal signal "Alex Morgan" "$fdo_secret" && wait_for 10 status_is withheld 1
check $? "nocontactd holds the contact's FDO notification"
app gtk sm.puri.Chatty +14155550199 "New message from Mom" "Call me when you land" &&
    wait_for 10 tray_has "New message from Mom"
check $? "a stranger's GTK notification is shown by GNOME"
app gtk sm.puri.Chatty +14155550100 "New message from Alex Morgan" "$gtk_secret" &&
    wait_for 10 status_is withheld 2
check $? "nocontactd holds the contact's GTK notification"
recorded | grep -qF "added: Sam Lee" && recorded | grep -qF "added: New message from Mom" &&
    never_recorded "Alex Morgan" && never_recorded "New message from Alex Morgan" &&
    tray_lacks "Alex Morgan"
check $? "the contact's notifications never entered GNOME's message tray or a banner: $(recorded)"

# 3. The pause, through GNOME's notifications like any other; each message kept once.
wait_for 10 tray_has "take a breath" && recorded | grep -qF "take a breath"
check $? "the reflective pause (nocontact's own notification) appears in GNOME's tray"
held_count_is 2 && status_is refused 0
check $? "each held message is kept exactly once, and nocontactd tried no close GNOME refuses"

# 4. An app started from a terminal: only GNOME Shell sees it start, and the extension tells
# nocontactd (AppStarted), which puts the pause before use; Let it go closes the app.
gjs -m window_app.js org.telegram.desktop >"$work/window-app.out" 2>&1 &
window_app=$!
pids+=("$window_app")
wait_for 20 tray_has "You're opening Telegram"
check $? "an app launch is reported: the app started from a terminal gets the pause before use"
choose "opening Telegram" "Let it go" && wait_for 10 eval "! kill -0 $window_app"
check $? "letting it go closes the app started from a terminal"

# 5. Read it: nocontactd posts the messages again, and the extension lets them through.
choose "take a breath" "Read it" && wait_for 10 tray_has "Signal: Alex Morgan" &&
    held_count_is 0
check $? "after its countdown the pause offers Read it, and the contact's message then shows"
! grep -q "nocontactd did not answer in time" "$NOCONTACT_GS_LOGS/gnome-shell.log"
check $? "the extension never had to show a notification because nocontactd was slow"
! grep -qF -e "$gtk_secret" -e "$fdo_secret" "$log"
check $? "nocontactd's log never holds message text"

# 6. Disabled, GNOME Shell's methods are its own again and nocontactd falls back to closing.
gnome-extensions disable nocontact45@nocontact.org && wait_for 10 hooks_are false &&
    wait_for 10 status_is withholding needs-gnome-shell-extension
check $? "disabled, GNOME Shell's methods are its own again, and nocontactd knows"

kill -TERM "$daemon" && wait "$daemon"
check $? "nocontactd exits 0 on SIGTERM"

grep -E "nocontact|JS ERROR" "$NOCONTACT_GS_LOGS/gnome-shell.log"
echo "GNOME Shell 45+ extension with nocontactd: $passed passed, $failed failed ($version)"
[[ $failed -eq 0 ]]
