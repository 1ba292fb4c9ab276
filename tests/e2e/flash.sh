# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Sourced: a flash detector. It counts what a person would see a real notification server put
# on screen, in a private session (tests/e2e/session.sh):
#   dunst, xfce4-notifyd  under Xvfb: windows mapped and drawn into (tests/e2e/flash_x11.py)
#   plasma                KDE Plasma (plasmashell, KWin and kactivitymanagerd) under Xvfb: windows
#                         of the notification type mapped and drawn into (flash_x11.py --managed)
#   mako, swaync          under a headless sway (itself run as uid 65534): buffers the server
#                         attaches and commits to its layer surfaces (its WAYLAND_DEBUG trace)
# On xfce4-notifyd and plasma the test's messages also carry a mark, an image of solid magenta
# (nothing else on screen has that colour, nocontact's placeholder has no image), and the
# detector reads the windows' pixels for it (flash_x11.py --mark): whether the message's own
# content was drawn, not only a window.
# The server is started as D-Bus activation would start it for a new user: no options, its
# configuration from $XDG_CONFIG_HOME (private and empty unless something writes there) or the
# system's. Nothing written by the detector holds message text: only surfaces and windows.
#
#   flash_start SERVER          the session, the detector and the server; 1 if any fails
#   flash_server_ensure         starts the server again if it is gone (as activation would)
#   flash_events                every event so far: "TIME show|draw|hide ID [CLASS]"
#   flash_count                 shows + draws so far (each one something drawn on screen)
#   flash_count_above N         true once flash_count is more than N (for wait_for)
#   flash_visible               surfaces or windows on screen now
#   flash_content_count         how often the mark appeared in a window (xfce4-notifyd, plasma)
#   flash_quiet                 nothing on screen, and nothing drawn for a moment
# and, from tests/e2e/flash_messages.sh, nocontactd and the messages: flash_settle, flash_send,
# flash_close, flash_start_daemon, flash_held, flash_stranger, flash_contact_messages, ...

flash_e2e=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/session.sh
source "$flash_e2e/session.sh"
# shellcheck source=tests/e2e/flash_messages.sh
source "$flash_e2e/flash_messages.sh"
flash_server=""
flash_mark=""  # the mark's file URI, once flash_start has made it (xfce4-notifyd, plasma)
flash_server_pid=""
flash_daemon_pid=""
flash_py=/usr/bin/python3  # Debian's, where python3-xlib and python3-gi are installed

flash_has_owner() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"
}

# A private home: the server, nocontactd and any hook read and write only there.
flash_home() {
    local d
    export HOME=$session_dir/home
    export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share \
        XDG_STATE_HOME=$HOME/.local/state XDG_CACHE_HOME=$HOME/.cache
    for d in "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"; do
        mkdir -p "$d"
    done
}

# The server is started the way a desktop starts it: by D-Bus activation, from an activation
# file on the private bus (the packages' own files name the same programs), through a script
# that gives it the session's settings (an activated program gets the bus's environment).
flash_activation() {
    session_services=$session_dir/services
    mkdir -p "$session_services"
    cat >"$session_services/org.freedesktop.Notifications.service" <<SERVICE
[D-BUS Service]
Name=org.freedesktop.Notifications
Exec=$session_dir/activate-server
SERVICE
    cat >"$session_dir/activate-server" <<'SCRIPT'
#!/bin/sh
dir=$(dirname "$0")
. "$dir/server.env"
case $FLASH_SERVER in
    dunst) exec dunst >>"$dir/server.log" 2>&1 ;;
    # The server's own protocol trace is the detector; its other output goes there too.
    *) exec "$FLASH_SERVER" >>"$dir/flash.wl" 2>&1 ;;
esac
SCRIPT
    chmod +x "$session_dir/activate-server"
}

flash_start() {
    flash_server=$1
    case $flash_server in
        dunst)
            flash_activation
            session_start_bus own-user || return 1
            session_start_x || return 1
            "$flash_py" "$flash_e2e/flash_x11.py" >"$session_dir/flash.x11" 2>"$session_dir/flash.err" &
            session_pids+=($!)
            wait_for 10 grep -qx ready "$session_dir/flash.x11" || return 1
            ;;
        xfce4-notifyd)
            session_start_bus own-user || return 1
            session_start_x || return 1
            flash_make_mark || return 1
            "$flash_py" "$flash_e2e/flash_x11.py" --mark >"$session_dir/flash.x11" \
                2>"$session_dir/flash.err" &
            session_pids+=($!)
            wait_for 10 grep -qx ready "$session_dir/flash.x11" || return 1
            ;;
        plasma)
            session_start_bus own-user || return 1
            session_start_x || return 1
            flash_make_mark || return 1
            "$flash_py" "$flash_e2e/flash_x11.py" --managed --mark >"$session_dir/flash.x11" \
                2>"$session_dir/flash.err" &
            session_pids+=($!)
            wait_for 10 grep -qx ready "$session_dir/flash.x11" || return 1
            flash_home
            flash_plasma_desktop || return 1
            ;;
        mako | swaync)
            flash_activation
            session_start_bus any-user || return 1
            session_start_sway || return 1
            : >"$session_dir/flash.wl"
            ;;
        *)
            echo "flash_start: unknown server $flash_server (dunst, mako, swaync, xfce4-notifyd, plasma)" >&2
            return 1
            ;;
    esac
    flash_home
    # What an activated server is started with (its environment is the bus's, not ours).
    {
        printf 'export %q %q %q %q %q %q %q\n' "HOME=$HOME" "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
            "XDG_DATA_HOME=$XDG_DATA_HOME" "XDG_STATE_HOME=$XDG_STATE_HOME" \
            "XDG_CACHE_HOME=$XDG_CACHE_HOME" "DISPLAY=${DISPLAY:-}" "FLASH_SERVER=$flash_server"
        if [[ $flash_server == mako || $flash_server == swaync ]]; then
            printf 'export %q %q WAYLAND_DEBUG=1\n' "XDG_RUNTIME_DIR=$session_wayland_runtime" \
                "WAYLAND_DISPLAY=$WAYLAND_DISPLAY"
        fi
    } >"$session_dir/server.env"
    flash_server_start
}

flash_server_start() {
    local log=$session_dir/server.log
    case $flash_server in
        dunst | mako | swaync)
            # As the session would: activated by the bus.
            dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.StartServiceByName string:org.freedesktop.Notifications \
                uint32:0 >/dev/null || return 1
            flash_server_pid=$(flash_server_owner_pid)
            [[ -n $flash_server_pid ]] || return 1
            session_pids+=("$flash_server_pid")
            return 0
            ;;
        xfce4-notifyd) /usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd >>"$log" 2>&1 & ;;
        plasma) flash_plasma_env plasmashell >>"$log" 2>&1 & ;;
    esac
    flash_server_pid=$!
    session_pids+=("$flash_server_pid")
    # plasmashell takes its time (about 3 s on a quiet machine, 10 s and more on a busy one).
    wait_for 60 flash_has_owner org.freedesktop.Notifications
}

# What a Plasma 5 session gives its programs (Debian 12's plasma-desktop 5.27 and kwin_x11).
flash_plasma_env() {
    env QT_QPA_PLATFORM=xcb XDG_CURRENT_DESKTOP=KDE KDE_FULL_SESSION=true KDE_SESSION_VERSION=5 \
        XDG_RUNTIME_DIR="$session_dir/runtime" "$@"
}

# Plasma's desktop around its notifications: the activity manager (without it plasmashell
# stops loading) and KWin, the window manager a Plasma session on X11 has. plasmashell itself
# is the server, started by flash_server_start.
flash_plasma_desktop() {
    mkdir -p "$session_dir/runtime"
    chmod 0700 "$session_dir/runtime"
    flash_plasma_env /usr/lib/x86_64-linux-gnu/libexec/kactivitymanagerd \
        >>"$session_dir/kactivitymanagerd.log" 2>&1 &
    session_pids+=($!)
    flash_plasma_env kwin_x11 >>"$session_dir/kwin.log" 2>&1 &
    session_pids+=($!)
    wait_for 30 flash_has_owner org.kde.ActivityManager
}

# The mark: a 96x96 PNG of solid magenta, which each test message names as its image.
flash_make_mark() {
    "$flash_py" - "$session_dir/mark.png" <<'PY' || return 1
import struct, sys, zlib
size = 96
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\0" + b"\xff\x00\xff" * size for _ in range(size))
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
    flash_mark=file://$session_dir/mark.png
}

flash_server_owner_pid() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.Notifications \
        2>/dev/null | awk '/uint32/ { print $2 }'
}

flash_server_ensure() {
    local owner
    # Still running and still the server. (A hook that stops the server waits for it to end,
    # as `systemctl stop` would.)
    if kill -0 "$flash_server_pid" 2>/dev/null && flash_has_owner org.freedesktop.Notifications; then
        return 0
    fi
    owner=$(flash_server_owner_pid)
    if [[ -n $owner ]]; then
        # Someone (the hook) started it again: that one is the server now.
        flash_server_pid=$owner
        session_pids+=("$owner")
        return 0
    fi
    flash_server_start  # as D-Bus activation would
}

# The Wayland trace, reduced: a layer surface is shown by its first committed buffer, drawn by
# every further one, hidden by a commit without a buffer or its destruction. A new connection
# (the server started again) starts afresh: what the old one showed went with it.
flash_wayland_events() {
    awk '
        function out(kind, s) { printf "%.6f %s %s\n", t, kind, s }
        function hide_all(s) { for (s in visible) { out("hide", s); delete visible[s] } }
        # "[MS.US]": microseconds in 32 bits, so the clock wraps every 4294.967296 s.
        / -> / {
            t = substr($1, 2, length($1) - 2) / 1000 + wraps * 4294.967296
            if (t < last - 60) { wraps++; t += 4294.967296 }
            last = t
        }
        / -> wl_display@1\.get_registry\(/ { hide_all(); delete layer; delete pending; next }
        / -> zwlr_layer_shell_v1@[0-9]+\.get_layer_surface\(/ {
            match($0, /wl_surface@[0-9]+/); layer[substr($0, RSTART, RLENGTH)] = 1; next
        }
        / -> wl_surface@[0-9]+\.(attach|commit|destroy)\(/ {
            match($0, /wl_surface@[0-9]+/); s = substr($0, RSTART, RLENGTH)
            if (!(s in layer)) next
            if ($0 ~ /\.attach\(nil/) pending[s] = "nil"
            else if ($0 ~ /\.attach\(/) pending[s] = "buffer"
            else if ($0 ~ /\.commit\(/) {
                if (pending[s] == "buffer") {
                    out((s in visible) ? "draw" : "show", s); visible[s] = 1
                } else if (pending[s] == "nil" && (s in visible)) {
                    out("hide", s); delete visible[s]
                }
                delete pending[s]
            } else {
                if (s in visible) out("hide", s)
                delete visible[s]; delete layer[s]; delete pending[s]
            }
        }
    ' "$session_dir/flash.wl"
}

flash_events() {
    case $flash_server in
        dunst | xfce4-notifyd | plasma) grep -v '^ready$' "$session_dir/flash.x11" ;;
        mako | swaync) flash_wayland_events ;;
    esac
}

flash_count() { flash_events | grep -cE ' (show|draw) ' || true; }
flash_count_above() { [[ $(flash_count) -gt $1 ]]; }
flash_content_count() { flash_events | grep -c ' content ' || true; }
flash_content_above() { [[ $(flash_content_count) -gt $1 ]]; }
flash_visible() {
    flash_events | awk '$2 == "show" { n++ } $2 == "hide" { n-- } END { print n + 0 }'
}

# Nothing on screen, and no new event across a fifth of a second (a server draws within a frame
# or two of deciding to; a withdrawn notification's last frame comes within that).
flash_quiet() {
    local before
    before=$(flash_events | wc -l)
    [[ $(flash_visible) -eq 0 ]] || return 1
    sleep 0.2
    [[ $(flash_events | wc -l) -eq $before && $(flash_visible) -eq 0 ]]
}

# How many notifications the server still has out of sight: dunst's history, mako's list.
flash_listed() {
    case $flash_server in
        dunst) dunstctl count history ;;
        mako) makoctl list 2>/dev/null | "$flash_py" -c 'import json, sys
print(len(json.load(sys.stdin)["data"][0]))' ;;
        *) echo 0 ;;
    esac
}
flash_listed_at_least() { [[ $(flash_listed) -ge $1 ]]; }

