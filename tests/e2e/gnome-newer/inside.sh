#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# gnome_newer_test.sh's checks, run inside the headless GNOME Shell session of the newer root.
cd "$(dirname "$0")"
passed=0
failed=0
check() {
    if [[ $1 -eq 0 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $2"; fi
}
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
tray() {
    shell_eval 'Main.messageTray.getSources().flatMap(
        s => s.notifications.map(n => s.title + ": " + n.title)).join(" | ")'
}
tray_has() { tray | grep -qF -- "$1"; }
notify() {
    gdbus call --session --dest org.freedesktop.Notifications \
        --object-path /org/freedesktop/Notifications --method org.freedesktop.Notifications.Notify \
        "$1" 0 '' "$2" 'a message' '[]' '{}' 0 >/dev/null
}
patched() {
    shell_eval 'Object.hasOwn(Main.notificationDaemon._fdoNotificationDaemon, "NotifyAsync") &&
        Object.hasOwn(Main.notificationDaemon._gtkNotificationDaemon, "AddNotificationAsync")'
}
restored() {
    shell_eval '!Object.hasOwn(Main.notificationDaemon._fdoNotificationDaemon, "NotifyAsync") &&
        !Object.hasOwn(Main.notificationDaemon._gtkNotificationDaemon, "AddNotificationAsync")'
}
state_is() { gnome-extensions info "$1" | grep -q "State: $2"; }
log=$PWD/fake.log
rm -f "$log"
version=$(gnome-shell --version)
echo "running on $version"

gjs -m fake_nocontactd.js "$log" &
fake=$!
wait_for 10 grep -q owned "$log"
check $? "the stand-in nocontactd owns org.nocontact.Daemon1"

# Both enabled, one after the other: GNOME Shell loads only the one made for it. (Enabled in
# the same instant, GNOME Shell 48 can lose track of the first: its enabling is asynchronous,
# and two changes of the setting overlap. README says to enable the one for your version.)
gnome-extensions enable nocontact45@nocontact.org &&
    wait_for 10 state_is nocontact45@nocontact.org ACTIVE
check $? "nocontact45@nocontact.org is enabled and active"
gnome-extensions enable nocontact@nocontact.org &&
    wait_for 10 state_is nocontact@nocontact.org "OUT OF DATE"
check $? "nocontact@nocontact.org, enabled too, is out of date here, and not loaded"
wait_for 10 eval "patched | grep -qF \"'true'\""
check $? "NotifyAsync and AddNotificationAsync are patched on GNOME Shell's own instances"
gdbus call --session --dest org.nocontact.ShellExtension1 \
    --object-path /org/nocontact/ShellExtension1 \
    --method org.freedesktop.DBus.Properties.GetAll org.nocontact.ShellExtension1 |
    grep -q "'Uuid': <'nocontact45@nocontact.org'>"
check $? "org.nocontact.ShellExtension1 answers with its uuid"

notify Signal "Sam Lee" && wait_for 10 tray_has "Signal: Sam Lee"
check $? "a stranger's notification is shown"
# The barrier: shown after the contact's would have been, had it not been held.
notify Signal "Alex Morgan" && notify Signal "Sam, later" && wait_for 10 tray_has "Sam, later" &&
    ! tray_has "Alex Morgan"
check $? "the contact's notification is held, never in the tray: $(tray)"
grep -qE "decide fdo Alex Morgan pid=[1-9][0-9]* -> hold" "$log"
check $? "Decide is asked with the app's process (x-shell-sender-pid)"

gjs -m window_app.js org.telegram.desktop &
app=$!
wait_for 10 grep -qE "started org.telegram.desktop.desktop [1-9]" "$log"
check $? "an app started from a terminal is told to nocontactd (AppStarted)"
kill "$app"

gnome-extensions disable nocontact45@nocontact.org &&
    wait_for 10 eval "restored | grep -qF \"'true'\""
check $? "disabled, GNOME Shell's methods are its own again"
notify Signal "Alex, later" && wait_for 10 tray_has "Alex, later"
check $? "disabled, the contact's notification shows as usual: $(tray); asked: $(tail -2 "$log")"

grep -E "nocontact|JS ERROR" "$NOCONTACT_GS_LOGS/gnome-shell.log"
kill "$fake"
echo "$passed passed, $failed failed ($version)"
[[ $failed -eq 0 ]]
