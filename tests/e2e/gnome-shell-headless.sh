#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copied from the team's ../shared/recipes/gnome-shell-headless.sh so the repository stands alone.
# Run a command inside a real, headless GNOME Shell session on private buses.
#
#   gnome-shell-headless.sh [--keep-logs DIR] -- COMMAND [ARG...]
#
# What it sets up (nothing touches the machine's own buses):
#   - a private *system* bus with python3-dbusmock's logind template (GNOME Shell needs logind);
#   - a private *session* bus (dbus-run-session) running `gnome-shell --headless --unsafe-mode`
#     with a virtual monitor; --unsafe-mode lets tests call org.gnome.Shell.Eval and take
#     screenshots through org.gnome.Shell.Screenshot;
#   - waits until GNOME Shell owns org.freedesktop.Notifications, then runs COMMAND with
#     DBUS_SESSION_BUS_ADDRESS / DBUS_SYSTEM_BUS_ADDRESS pointing at those buses.
# Exit status: COMMAND's. Needs (Debian 12): gnome-shell gjs python3-dbusmock dbus libnotify-bin.
#   apt-get install -y --no-install-recommends gnome-shell gjs python3-dbusmock dbus libnotify-bin
#
# Handy inside COMMAND:
#   gdbus call --session --dest org.gnome.Shell --object-path /org/gnome/Shell \
#     --method org.gnome.Shell.Eval \
#     'JSON.stringify(Main.messageTray.getSources().map(s=>[s.title,s.notifications.map(n=>n.title)]))'
#   gdbus call --session --dest org.gnome.Shell.Screenshot --object-path /org/gnome/Shell/Screenshot \
#     --method org.gnome.Shell.Screenshot.Screenshot false false /tmp/shot.png
# Seen working with GNOME Shell 43.9 on Debian 12. Note: GNOME >= 42 refuses CloseNotification
# for a notification whose sender is still connected ("Invalid notification ID").
set -euo pipefail

logs=""
if [[ "${1:-}" == "--keep-logs" ]]; then logs="$2"; shift 2; fi
[[ "${1:-}" == "--" ]] && shift
[[ $# -gt 0 ]] || { echo "usage: $0 [--keep-logs DIR] -- COMMAND [ARG...]" >&2; exit 2; }

work=$(mktemp -d /tmp/gnome-headless.XXXXXX)
logs=${logs:-$work}
mkdir -p "$work/runtime" "$logs" && chmod 700 "$work/runtime"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    # A program the session started may outlive its bus for a moment: xdg-document-portal's FUSE
    # mount on runtime/doc (rm cannot remove a mount point), or a last file being written.
    local m
    for m in $(findmnt -rn -o TARGET | grep -F "$work/" | sort -r); do
        fusermount -uz "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    # --keep-logs puts the logs elsewhere
    rm -rf "$work" 2>/dev/null || { sleep 0.5; rm -rf "$work" || true; }
    return 0
}
trap cleanup EXIT

cat > "$work/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$work/system.conf" --nofork --nopidfile > "$logs/system-bus.log" 2>&1 &
pids+=($!)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/system_bus_socket"
for _ in $(seq 50); do [[ -S "$work/system_bus_socket" ]] && break; sleep 0.1; done

/usr/bin/python3 -m dbusmock --system --template logind > "$logs/logind.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    gdbus introspect --system --dest org.freedesktop.login1 --object-path /org/freedesktop/login1 \
        >/dev/null 2>&1 && break
    sleep 0.1
done

export XDG_RUNTIME_DIR="$work/runtime"
export NOCONTACT_GS_LOGS="$logs"
inner=$(cat <<'EOF'
gnome-shell --headless --unsafe-mode --wayland --virtual-monitor 1280x800 \
    > "$NOCONTACT_GS_LOGS/gnome-shell.log" 2>&1 &
shell=$!
ready=0
for _ in $(seq 300); do
    owner=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetNameOwner org.gnome.Shell 2>/dev/null || true)
    # Ask the current owner by its unique name: a call to the well-known name before GNOME owns
    # it would D-Bus-activate another server (dunst ships an activation file for the name).
    fdo=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetNameOwner org.freedesktop.Notifications 2>/dev/null \
        | sed -n "s/^('\\(.*\\)',)$/\\1/p" || true)
    if [[ -n "$owner" && -n "$fdo" ]] && gdbus call --session --dest "$fdo" \
        --object-path /org/freedesktop/Notifications \
        --method org.freedesktop.Notifications.GetServerInformation 2>/dev/null | grep -q gnome-shell
    then ready=1; break; fi
    sleep 0.1
done
if [[ $ready != 1 ]]; then
    echo "gnome-shell did not come up; log:" >&2; tail -30 "$NOCONTACT_GS_LOGS/gnome-shell.log" >&2
    kill $shell 2>/dev/null; exit 125
fi
set +e
"$@"
rc=$?
kill $shell 2>/dev/null
wait $shell 2>/dev/null
exit $rc
EOF
)
set +e
dbus-run-session -- bash -c "$inner" bash "$@" 2> "$logs/session-bus.log"
rc=$?
set -e
exit $rc
