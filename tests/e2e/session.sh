# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Sourced by end-to-end tests and scripts/demo: a private desktop session — its own dbus-daemon
# (no service directories, so nothing is activated behind our back, unless session_services
# names one), Xvfb and real dunst.
# Sets DBUS_SESSION_BUS_ADDRESS and DISPLAY; `session_stop` ends it all.
# session_start is the three parts in turn: session_start_bus, session_start_x, session_start_dunst.

session_pids=()
session_dir=$(mktemp -d /tmp/nocontact-session.XXXXXX)

session_stop() {
    local p
    for p in "${session_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    # A program a server started may outlive it for a moment: xdg-document-portal's FUSE mount
    # (rm cannot remove a mount point), plasmashell's cache builder writing its last file.
    local m
    for m in $(findmnt -rn -o TARGET | grep -F "$session_dir/" | sort -r); do
        fusermount -uz "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$session_dir" 2>/dev/null || { sleep 0.5; rm -rf "$session_dir"; }
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

# session_start_bus own-user|any-user: the private bus, for root's own clients only; with
# any-user, other users may connect too (a Wayland compositor cannot run as root): the socket
# and its directory are open to them.
session_start_bus() {
    local users=""
    if [[ ${1:-} == any-user ]]; then
        users='<allow user="*"/>'
        chmod 0711 "$session_dir"
    fi
    # With session_services set: a folder of D-Bus activation files, as a desktop has.
    local services=""
    [[ -n ${session_services:-} ]] && services="<servicedir>$session_services</servicedir>"
    cat >"$session_dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$session_dir</listen>
  $services
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    $users
  </policy>
</busconfig>
CONF
    # umask 0: the socket is writable by the users the configuration allows.
    (umask 0 && exec dbus-daemon --config-file="$session_dir/bus.conf" --nofork --nopidfile \
        --print-address=1 >"$session_dir/address" 2>"$session_dir/bus.log") &
    session_pids+=($!)
    wait_for 10 test -s "$session_dir/address" || return 1
    DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$session_dir/address")
    export DBUS_SESSION_BUS_ADDRESS
}

session_start_x() {
    local display
    for display in $(seq 90 140); do
        [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]] || break
    done
    # -noreset: a server that is the only client (dunst) may leave and come back (dunst 1.12
    # reopens its display on ConfigReload); a resetting Xvfb refuses it meanwhile, and it dies.
    Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"$session_dir/xvfb.log" 2>&1 &
    session_pids+=($!)
    export DISPLAY=":$display"
    wait_for 10 test -e "/tmp/.X11-unix/X$display"
}

session_start_dunst() {
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

session_start() {
    session_start_bus own-user && session_start_x && session_start_dunst
}

# A headless sway for the Wayland notification servers. sway refuses to run as root, so it and
# the clients started with `session_as_wayland_user` run as nobody (uid 65534), with a runtime
# directory of their own; the bus must have been started with `session_start_bus any-user`.
# Sets WAYLAND_DISPLAY and session_wayland_runtime.
session_wayland_uid=65534
session_as_wayland_user() {
    setpriv --reuid="$session_wayland_uid" --regid="$session_wayland_uid" --clear-groups \
        env -u DISPLAY HOME="$session_wayland_runtime" XDG_RUNTIME_DIR="$session_wayland_runtime" \
        WAYLAND_DISPLAY="${WAYLAND_DISPLAY:-}" DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
        "$@"
}
# The same in the background, with $! the program itself: a function run with & is a subshell
# that only starts it, and killing that subshell left the program running after session_stop.
session_as_wayland_user_bg() {
    (
        exec setpriv --reuid="$session_wayland_uid" --regid="$session_wayland_uid" \
            --clear-groups env -u DISPLAY HOME="$session_wayland_runtime" \
            XDG_RUNTIME_DIR="$session_wayland_runtime" WAYLAND_DISPLAY="${WAYLAND_DISPLAY:-}" \
            DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$@"
    ) &
}

session_wayland_socket() { compgen -G "$session_wayland_runtime/wayland-[0-9]"; }
session_start_sway() {
    session_wayland_runtime=$session_dir/wayland-run
    mkdir -p "$session_wayland_runtime"
    chown "$session_wayland_uid:$session_wayland_uid" "$session_wayland_runtime"
    chmod 0700 "$session_wayland_runtime"
    # Nothing but an output: no bar, no wallpaper, no idle daemon, no key bindings.
    cat >"$session_dir/sway.conf" <<'CONF'
output HEADLESS-1 resolution 1280x800
CONF
    chmod 0644 "$session_dir/sway.conf"
    session_as_wayland_user_bg env WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 \
        WLR_RENDERER=pixman sway --config "$session_dir/sway.conf" >"$session_dir/sway.log" 2>&1
    session_pids+=($!)
    wait_for 15 session_wayland_socket || return 1
    local sockets=("$session_wayland_runtime"/wayland-[0-9])
    WAYLAND_DISPLAY=$(basename "${sockets[0]}")
    export WAYLAND_DISPLAY
}
