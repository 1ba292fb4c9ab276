#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# dunst 1.10+ (ConfigReload) with nocontact's rules and the real nocontactd, on a newer
# distribution than Debian 12 (dunst 1.9): run as root against its root, e.g. Debian 13 (dunst
# 1.12), made with debootstrap and holding dunst xvfb dbus-daemon dbus-bin libnotify-bin
# python3, with nocontact built there (BUILD_DIR, a path inside the root). Checks
# (dunst-newer/inside.sh): `nocontactctl setup` writes the rules and has dunst read them; a
# contact's message is never displayed; a second contact added to the policy gets a rule of his
# own, nocontactd asks dunst to read its settings again (ConfigReload), and dunst then sends his
# message straight to its history, never on screen, while a stranger's still shows.
#   dunst_newer_test.sh ROOT SOURCE_DIR BUILD_DIR
# Exit status 0 only when every check passed; everything runs in namespaces of its own
# (root_run.sh), so whatever way it ends, nothing stays mounted or running.
set -uo pipefail
[[ $# -eq 3 ]] || { echo "usage: dunst_newer_test.sh ROOT SOURCE_DIR BUILD_DIR" >&2; exit 2; }
root=$(realpath "$1")
src=$(realpath "$2")
build=$3
[[ $(id -u) -eq 0 ]] || { echo "dunst_newer_test.sh needs root (chroot)" >&2; exit 2; }
for program in nocontactd nocontactctl; do
    [[ -x $root/$build/$program ]] || { echo "FAIL: no $build/$program in $root"; exit 1; }
done

stage=$(mktemp -d "$root/tmp/nocontact-dunst-newer.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/data"
cp "$src/config/apps.yaml" "$stage/data/"
cp "$src/tests/e2e/session.sh" "$src/tests/e2e/dunst-newer/inside.sh" "$stage/"

timeout --kill-after=5 110 "$src/tests/e2e/root_run.sh" "$root" \
    bash "/tmp/${stage##*/}/inside.sh" "$build"
rc=$?
case $rc in
    0) ;;
    124 | 137) echo "FAIL: the dunst end-to-end test did not finish within 110 s" ;;
    *) echo "FAIL: the dunst ConfigReload end-to-end test (exit status $rc)" ;;
esac
exit $rc
