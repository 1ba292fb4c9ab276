#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `nocontactctl setup` as a person runs it, on a private bus with a fake notification server
# (tests/fakes/fake_rules_server.cpp), in a temporary home, with fake systemctl and
# gnome-extensions on PATH: the right files; nothing changes the second time; --undo leaves
# the person's files byte for byte as they were; no server is ever started by asking.
# Usage: setup_test.sh NOCONTACTCTL FAKE_RULES_SERVER SOURCE_DIR
set -uo pipefail
ctl=$1
fake=$2
src=$3
# The private session's helpers: wait_for, and its bus (session_start_bus).
# shellcheck source=tests/e2e/session.sh
source "$src/tests/e2e/session.sh"
tmp=$session_dir
pids=()
passed=0
failed=0

cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    session_stop  # the bus, the rest, and the folder
}
trap cleanup EXIT

# A private session bus whose only service file would start a "server" that leaves a mark:
# setup must never cause it to run.
mkdir -p "$tmp/services" "$tmp/bin" "$tmp/etc/dunst" "$tmp/etc/swaync"
cat >"$tmp/services/org.freedesktop.Notifications.service" <<EOF
[D-BUS Service]
Name=org.freedesktop.Notifications
Exec=/bin/sh -c 'touch $tmp/activated; sleep 5'
EOF
session_services=$tmp/services
session_start_bus own-user || { echo "FAIL: no private bus"; exit 1; }

# Fake systemctl and gnome-extensions: they log their arguments and keep a state file.
cat >"$tmp/bin/systemctl" <<'EOF'
#!/bin/sh
echo "$*" >>"$FAKE_DIR/systemctl.log"
case "$*" in
*is-enabled*) state=$(cat "$FAKE_DIR/unit-state" 2>/dev/null || echo disabled); echo "$state"
    [ "$state" = enabled ] ;;
*"enable --now"*) echo enabled >"$FAKE_DIR/unit-state" ;;
*"disable --now"*) echo disabled >"$FAKE_DIR/unit-state" ;;
esac
EOF
cat >"$tmp/bin/gnome-extensions" <<'EOF'
#!/bin/sh
echo "$*" >>"$FAKE_DIR/extensions.log"
case "$1" in
list) cat "$FAKE_DIR/extensions" 2>/dev/null; exit 0 ;;
enable) echo "$2" >"$FAKE_DIR/extensions" ;;
disable) : >"$FAKE_DIR/extensions" ;;
esac
EOF
chmod +x "$tmp/bin/systemctl" "$tmp/bin/gnome-extensions"
export PATH="$tmp/bin:$PATH"
export XDG_CONFIG_DIRS="$tmp/etc"
printf '[global]\n    font = Monospace 8\n' >"$tmp/etc/dunst/dunstrc"
printf '{\n  "positionX": "right",\n  "widgets": ["title"]\n}\n' >"$tmp/etc/swaync/config.json"

# A fresh home for each case: Alex at firm is held, Jo at open is not.
new_home() {
    home=$tmp/home-$1
    mkdir -p "$home/config/nocontact"
    cat >"$home/config/nocontact/policy.yaml" <<'EOF'
version: 1
contacts:
  - name: Alex
    strictness: firm
    match: { names: ["Alex Morgan"] }
  - name: Jo
    strictness: open
    match: { names: ["Jo Park"] }
EOF
    export HOME=$home XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state FAKE_DIR=$home
}

# Whether the notification server's name has an owner (asking the bus, which starts nothing).
owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q true
}
not_owned() { ! owned; }

server_pid=
start_server() {  # NAME VERSION [SHOWING]
    "$fake" "$1" "$2" "$home/calls" "$home/config/dunst/dunstrc.d/90-nocontact.conf" \
        "${3:-0}" 2>>"$tmp/fake.log" &
    server_pid=$!
    pids+=($server_pid)
    wait_for 10 owned ||
        { echo "FAIL: the fake $1 did not come up"; return 1; }
}
stop_server() {
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    wait_for 10 not_owned
}

# A listing of the person's files with their contents' checksums, and their folders, setup's
# own record aside.
snapshot() {
    (cd "$home" && find config -type f ! -path 'config/nocontact/*' -print0 | sort -z |
        xargs -0 -r sha256sum && find config -type d | sort)
}

run() {  # EXPECTED_STATUS ARGS... : nocontactctl with stdin from /dev/null
    timeout 20 "$ctl" "${@:2}" </dev/null >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [[ $got -eq $1 ]] && return 0
    echo "  nocontactctl ${*:2}: exit $got, expected $1"
    sed 's/^/  stdout: /' "$tmp/out" | head -20
    sed 's/^/  stderr: /' "$tmp/err" | head -10
    return 1
}
has() { grep -qF -- "$2" "$1" || { echo "  missing in $1: $2"; return 1; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { echo "  unexpected in $1: $2"; return 1; }; }
result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $2"
    fi
}

# --- no server running: nothing is started by asking -----------------------------------------
new_home none
run 0 setup --yes && has "$tmp/out" "No notification server is running" &&
    [[ ! -e $tmp/activated ]] && has "$home/systemctl.log" "enable --now nocontactd.service"
result $? "without a running server, setup says so and starts none (only the user unit)"

# --- dunst 1.12: a copy of the system dunstrc, the drop-in, ConfigReload ---------------------
new_home dunst
start_server dunst "1.12.0 (2024-01-01)"
before=$(snapshot)
run 1 setup && has "$tmp/err" "Nothing was changed" && [[ "$(snapshot)" == "$before" ]] &&
    [[ ! -e $home/state/nocontact/setup.json ]]
result $? "without a terminal and without --yes, setup explains and changes nothing (exit 1)"

dropin=$home/config/dunst/dunstrc.d/90-nocontact.conf
run 0 setup --yes && has "$tmp/out" "dunstrc.d/90-nocontact.conf" &&
    has "$dropin" 'summary = "Alex Morgan"' && has "$dropin" 'appname = "Signal"' &&
    has "$dropin" 'skip_display = true' && has "$dropin" 'summary = "Jo Park"' &&
    has "$home/config/dunst/dunstrc" "font = Monospace 8" &&
    head -n1 "$home/config/dunst/dunstrc" | grep -q '^# nocontact: a copy of' &&
    has "$home/calls" "ConfigReload" && [[ $(stat -c %a "$dropin") == 600 ]]
result $? "dunst: the drop-in, a marked copy of the system dunstrc, and a reload"

held=$(awk '/^\[/{s=$0} /^summary = "Alex Morgan"$/{a[s]=1} /^enabled = true$/{e[s]=1}
    END{for (k in a) if (k in e) n++; print n+0}' "$dropin")
jo=$(awk '/^\[/{s=$0} /^summary = "Jo Park"$/{a[s]=1} /^enabled = true$/{e[s]=1}
    END{for (k in a) if (k in e) n++; print n+0}' "$dropin")
[[ $held -gt 0 && $jo -eq 0 ]]
result $? "dunst: Alex's rules are on (firm), Jo's are written but off (open)"

after=$(snapshot)
: >"$home/calls"
run 0 setup --yes && has "$tmp/out" "Nothing to change" && [[ "$(snapshot)" == "$after" ]] &&
    hasnt "$home/calls" "ConfigReload"
result $? "dunst: setup a second time changes nothing"

run 0 setup --undo --yes && [[ "$(snapshot)" == "$before" ]] &&
    [[ ! -e $home/state/nocontact/setup.json ]] &&
    has "$home/systemctl.log" "disable --now nocontactd.service"
result $? "dunst: --undo removes the drop-in and the unchanged copy, and switches off what it switched on"
stop_server

# --- dunst 1.9 cannot reload: restarted only when it shows nothing ---------------------------
new_home dunst19
dropin=$home/config/dunst/dunstrc.d/90-nocontact.conf
mkdir -p "$home/config/dunst"
printf '[global]\nenable_regex = true\n' >"$home/config/dunst/dunstrc"
start_server dunst "1.9.0 (2022-06-27)" 2
run 0 setup --yes && has "$tmp/out" "it has notifications right now" &&
    has "$dropin" "summary = \"\\\`Alex Morgan\\'\""
result $? "dunst 1.9 showing notifications is not restarted; regex syntax is followed"
stop_server
rm "$dropin"  # as if setup had never written it: dunst starts without it
start_server dunst "1.9.0 (2022-06-27)" 0
run 0 setup --yes && has "$tmp/out" "Stop dunst so that it reads the rules" &&
    wait_for 10 not_owned && [[ ! -e $tmp/activated ]]
result $? "dunst 1.9 showing nothing, which the bus would start again, is ended (not started)"
wait "$server_pid" 2>/dev/null

# --- mako: a marked block in the person's own config, and Reload ----------------------------
new_home mako
mkdir -p "$home/config/mako"
printf 'font=Mono 10\n[urgency=high]\nborder-color=#ff0000' >"$home/config/mako/config"
echo enabled >"$home/unit-state"
start_server mako "1.7.1"
before=$(snapshot)
run 0 setup --yes && has "$home/config/mako/config" '[app-name="Signal" summary="Alex Morgan"]' &&
    has "$home/config/mako/config" "invisible=1" && hasnt "$home/config/mako/config" "Jo Park" &&
    has "$home/calls" "Reload" && hasnt "$home/systemctl.log" "enable --now"
result $? "mako: a marked block for the held contact, a reload, the enabled unit left alone"
after=$(snapshot)
run 0 setup --yes && has "$tmp/out" "Nothing to change" && [[ "$(snapshot)" == "$after" ]]
result $? "mako: setup a second time changes nothing"
run 0 setup --undo --yes && [[ "$(snapshot)" == "$before" ]] && hasnt "$home/systemctl.log" "disable"
result $? "mako: --undo gives the config back byte for byte and leaves the unit enabled"
stop_server

# --- swaync: config.json from the system's, entries nocontact-N, ReloadConfig ----------------
new_home swaync
start_server SwayNotificationCenter "0.7.3"
before=$(snapshot)
json=$home/config/swaync/config.json
run 0 setup --yes && has "$json" '"nocontact-' && has "$json" '"state": "ignored"' &&
    has "$json" '"positionX": "right"' && has "$tmp/out" "Stop swaync" &&
    hasnt "$home/calls" "ReloadConfig"
result $? "swaync: ignored entries added to a copy of the system config, and swaync (which had no file of the user's when it started) restarted"
start_server SwayNotificationCenter "0.7.3"  # as the next notification would
after=$(snapshot)
run 0 setup --yes && has "$tmp/out" "Nothing to change" && [[ "$(snapshot)" == "$after" ]]
result $? "swaync: setup a second time changes nothing"
run 0 setup --undo --yes && [[ "$(snapshot)" == "$before" ]]
result $? "swaync: --undo removes the config it created"

new_home swaync-own
json=$home/config/swaync/config.json
mkdir -p "$home/config/swaync"
printf '{"positionX":"left",\n "notification-visibility": {"spotify": {"state": "muted", "app-name": "Spotify"}}}' \
    >"$home/config/swaync/config.json"
stop_server
start_server SwayNotificationCenter "0.7.3"  # a swaync that found this file when it started
before=$(snapshot)
run 0 setup --yes && has "$json" '"spotify"' && has "$json" '"nocontact-' &&
    has "$home/calls" "ReloadConfig" && run 0 setup --undo --yes && [[ "$(snapshot)" == "$before" ]]
result $? "swaync: the person's own config.json comes back byte for byte"
stop_server

# --- GNOME Shell: the extension ------------------------------------------------------------
new_home gnome
start_server gnome-shell "45.0"
run 0 setup --yes && has "$home/extensions.log" "enable nocontact45@nocontact.org" &&
    hasnt "$home/extensions.log" "enable nocontact@nocontact.org" &&
    run 0 setup --yes && has "$tmp/out" "Nothing to change" &&
    run 0 setup --undo --yes && has "$home/extensions.log" "disable nocontact45@nocontact.org"
result $? "GNOME Shell 45: setup switches the ES-module extension on once, and --undo off again"
stop_server
new_home gnome43
start_server gnome-shell "43.9"
run 0 setup --yes && has "$home/extensions.log" "enable nocontact@nocontact.org" &&
    hasnt "$home/extensions.log" "nocontact45"
result $? "GNOME Shell 43: setup switches the 43/44 extension on"
stop_server

# --- xfce4-notifyd: its log (the real xfconfd, on the private bus, writing in the home) --------
new_home xfce
/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd 2>>"$tmp/xfconfd.log" &
pids+=($!)
xq() { xfconf-query -c xfce4-notifyd "$@"; }
excluded() { xq -p /applications/excluded-from-log >"$tmp/excluded" 2>&1; }
wait_for 10 xq -p /notification-log -n -t bool -s true
xq -p /applications/excluded-from-log -n -a -t string -s Spotify
start_server xfce4-notifyd "0.7.3"
run 0 setup --yes && has "$tmp/out" "out of xfce4-notifyd's log" && excluded &&
    has "$tmp/excluded" Spotify && has "$tmp/excluded" Signal && has "$tmp/excluded" nocontact &&
    has "$tmp/excluded" "Telegram Desktop"
result $? "xfce4-notifyd with its log on: setup keeps the watched apps and its own out of it"
run 0 setup --yes && hasnt "$tmp/out" "out of xfce4-notifyd's log"
result $? "xfce4-notifyd: setup a second time leaves its log as it is"
run 0 setup --undo --yes && excluded && has "$tmp/excluded" Spotify && hasnt "$tmp/excluded" Signal
result $? "xfce4-notifyd: --undo gives its log back the apps, and keeps the person's own list"
new_home xfce-log-off
xq -p /notification-log -s false
run 0 setup --yes && hasnt "$tmp/out" "xfce4-notifyd's log"
result $? "xfce4-notifyd with its log off: setup leaves it alone"
stop_server

[[ ! -e $tmp/activated ]]
result $? "no notification server was ever started by D-Bus activation"

echo "setup tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
