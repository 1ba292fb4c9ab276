#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GNOME Shell 45-50 extension with the real nocontactd, in a real, newer GNOME Shell than
# Debian 12's: run as root against a root of a newer distribution, e.g. Debian 13 (GNOME Shell
# 48), made with debootstrap and holding gnome-shell gjs python3 python3-gi python3-dbusmock
# dbus-daemon libglib2.0-bin gir1.2-gtk-4.0, with nocontact built there (BUILD_DIR, a path
# inside the root). Checks (gnome-newer/inside.sh): both extensions enabled, the right one
# loads and hooks GNOME Shell's own instances; nocontactctl status says it runs; a stranger's
# notification is shown, a contact's never reaches the tray or a banner; the pause is shown; an
# app started from a terminal is reported and gets the pause before use; disable() gives GNOME
# Shell its methods back.
#   gnome_newer_test.sh ROOT SOURCE_DIR BUILD_DIR
# Exit status 0 only when every check passed; everything runs in namespaces of its own
# (root_run.sh), so whatever way it ends, nothing stays mounted or running.
set -uo pipefail
[[ $# -eq 3 ]] || { echo "usage: gnome_newer_test.sh ROOT SOURCE_DIR BUILD_DIR" >&2; exit 2; }
root=$(realpath "$1")
src=$(realpath "$2")
build=$3
[[ $(id -u) -eq 0 ]] || { echo "gnome_newer_test.sh needs root (chroot)" >&2; exit 2; }
for program in nocontactd nocontactctl; do
    [[ -x $root/$build/$program ]] || { echo "FAIL: no $build/$program in $root"; exit 1; }
done

stage=$(mktemp -d "$root/tmp/nocontact-gnome-newer.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
for uuid in nocontact@nocontact.org nocontact45@nocontact.org; do
    mkdir -p "$stage/share/gnome-shell/extensions/$uuid"
    cp "$src/gnome-shell/$uuid/"{extension.js,metadata.json} \
        "$src/gnome-shell/shared/nocontact.js" \
        "$stage/share/gnome-shell/extensions/$uuid/"
done
# GNOME finds a GTK notification's app, and an app's window, through its desktop file.
mkdir -p "$stage/apps/applications" "$stage/data"
printf '[Desktop Entry]\nType=Application\nName=Chats\nExec=true\n' \
    >"$stage/apps/applications/sm.puri.Chatty.desktop"
printf '[Desktop Entry]\nType=Application\nName=Telegram Desktop\nExec=true\n' \
    >"$stage/apps/applications/org.telegram.desktop.desktop"
cp "$src/config/apps.yaml" "$stage/data/"
cp "$src/tests/e2e/gnome-shell-headless.sh" "$src/tests/e2e/notify_client.py" \
    "$src/tests/e2e/gnome-newer/"{inside.sh,window_app.js} "$stage/"

s=/tmp/${stage##*/}
timeout --kill-after=5 110 "$src/tests/e2e/root_run.sh" "$root" \
    XDG_DATA_DIRS="$s/share:/usr/share" XDG_DATA_HOME="$s/apps" XDG_CONFIG_HOME="$s/config" \
    XDG_CACHE_HOME="$s/cache" XDG_STATE_HOME="$s/state-home" \
    bash "$s/gnome-shell-headless.sh" --keep-logs "$s/logs" -- bash "$s/inside.sh" "$build"
rc=$?
case $rc in
    0) ;;
    124 | 137) echo "FAIL: the GNOME Shell 48 end-to-end test did not finish within 110 s" ;;
    125) echo "FAIL: GNOME Shell did not start; its log:" && tail -40 "$stage/logs/gnome-shell.log" ;;
    *) echo "FAIL: the GNOME Shell 45+ extension's end-to-end test (exit status $rc)" ;;
esac
exit $rc
