# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by end-to-end tests and scripts/demo: a private desktop session — its own dbus-daemon
# (no service directories, so nothing is activated behind our back), Xvfb and real dunst.
# Sets DBUS_SESSION_BUS_ADDRESS and DISPLAY; `session_stop` ends it all.

session_pids=()
session_dir=$(mktemp -d /tmp/nocontact-session.XXXXXX)

session_stop() {
    local p
    for p in "${session_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$session_dir"
}

# wait_for DEADLINE_SECONDS COMMAND... : polls COMMAND until it succeeds or time runs out.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.05
    done
}

session_start() {
    cat >"$session_dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$session_dir</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
    dbus-daemon --config-file="$session_dir/bus.conf" --nofork --nopidfile \
        --print-address=1 >"$session_dir/address" 2>"$session_dir/bus.log" &
    session_pids+=($!)
    wait_for 10 test -s "$session_dir/address" || return 1
    DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$session_dir/address")
    export DBUS_SESSION_BUS_ADDRESS

    local display
    for display in $(seq 90 140); do
        [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]] || break
    done
    Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$session_dir/xvfb.log" 2>&1 &
    session_pids+=($!)
    export DISPLAY=":$display"
    wait_for 10 test -e "/tmp/.X11-unix/X$display" || return 1

    # dunst shows a notification's actions through dmenu; this one picks the action whose label
    # is in $session_dir/dmenu-choice (nothing, when it is not offered) and logs what it saw.
    # dunst ends the last entry without a newline: the log gets one, or the next menu's first
    # entry would run on from it and never be found at the start of a line.
    cat >"$session_dir/dmenu" <<'MENU'
#!/bin/sh
dir=$(dirname "$0")
choice=$(cat "$dir/dmenu-choice" 2>/dev/null)
menu=$(cat; echo x)
menu=${menu%x}
printf '%s' "$menu" >>"$dir/dmenu.log"
case $menu in *"
") ;; *) echo >>"$dir/dmenu.log" ;; esac
[ -n "$choice" ] && printf '%s\n' "$menu" | grep -F -- "#$choice (" | head -n1
exit 0
MENU
    chmod +x "$session_dir/dmenu"
    cat >"$session_dir/dunstrc" <<RC
[global]
    dmenu = $session_dir/dmenu
    font = Monospace 11
    width = 420
    offset = 24x48
    history_length = 50
    sticky_history = yes
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
RC
    dunst -config "$session_dir/dunstrc" >"$session_dir/dunst.log" 2>&1 &
    session_pids+=($!)
    wait_for 10 dbus-send --session --print-reply --dest=org.freedesktop.Notifications \
        /org/freedesktop/Notifications org.freedesktop.Notifications.GetServerInformation
}
