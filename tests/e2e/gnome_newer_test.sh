#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GNOME Shell 45-50 extension in a real, newer GNOME Shell than Debian 12's: run by hand
# (it needs root) against a root of a newer distribution, e.g. Debian 13 (GNOME Shell 48),
# made with debootstrap and holding: gnome-shell gjs python3 python3-dbusmock dbus-daemon
# libglib2.0-bin gir1.2-gtk-4.0. nocontactd itself is not run there (the root has other
# libraries); a stand-in answers Decide (gnome-newer/fake_nocontactd.js). Checks: both
# extensions enabled, the right one loads; the hook is in place on GNOME Shell's own
# instances; a contact's notification never reaches the tray; AppStarted for an app started
# from a terminal; disable() gives GNOME Shell its methods back.
#   gnome_newer_test.sh ROOT SOURCE_DIR
set -euo pipefail
root=$(realpath "$1")
src=$(realpath "$2")
[[ $(id -u) -eq 0 ]] || { echo "gnome_newer_test.sh needs root (chroot)" >&2; exit 2; }

stage=$root/tmp/nocontact-gnome-newer
rm -rf "$stage"
for uuid in nocontact@nocontact.org nocontact45@nocontact.org; do
    mkdir -p "$stage/share/gnome-shell/extensions/$uuid"
    cp "$src/gnome-shell/$uuid/"{extension.js,metadata.json} \
        "$src/gnome-shell/shared/nocontact.js" \
        "$stage/share/gnome-shell/extensions/$uuid/"
done
mkdir -p "$stage/data/applications"
printf '[Desktop Entry]\nType=Application\nName=Telegram Desktop\nExec=true\n' \
    >"$stage/data/applications/org.telegram.desktop.desktop"
cp "$src/tests/e2e/gnome-shell-headless.sh" "$src/tests/e2e/gnome-newer/"* "$stage/"

mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
trap 'umount -R "$root/dev" "$root/sys" "$root/proc" 2>/dev/null ||
    umount -lR "$root/dev" "$root/sys" "$root/proc"; rm -rf "$stage"' EXIT
mkdir -p "$root/tmp/.X11-unix" && chmod 1777 "$root/tmp" "$root/tmp/.X11-unix"
s=/tmp/nocontact-gnome-newer
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    XDG_DATA_DIRS="$s/share:/usr/share" XDG_DATA_HOME="$s/data" XDG_CONFIG_HOME="$s/config" \
    XDG_CACHE_HOME="$s/cache" \
    bash "$s/gnome-shell-headless.sh" --keep-logs "$s/logs" -- "$s/inside.sh"
