#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one gjs test (an ES module) on a dbus-daemon of its own, with the GNOME Shell 45-50
# extension laid out as a package installs it and a stand-in of the GNOME Shell resources it
# imports (tests/gjs/standin/).
#   run.sh SOURCE_DIR TEST.js
set -euo pipefail
src=$1
test_js=$(realpath "$2")

work=$(mktemp -d /tmp/nocontact-gjs.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The extensions, each folder as installed (extension.js, metadata.json, the shared module).
for uuid in nocontact@nocontact.org nocontact45@nocontact.org; do
    mkdir -p "$work/extensions/$uuid"
    cp "$src/gnome-shell/$uuid/"{extension.js,metadata.json} "$src/gnome-shell/shared/nocontact.js" \
        "$work/extensions/$uuid/"
done

# resource:///org/gnome/shell/... as GNOME Shell 45-50 lay it out, with stand-ins.
glib-compile-resources --sourcedir="$src/tests/gjs/standin" --target="$work/standin.gresource" \
    "$src/tests/gjs/standin/standin.gresource.xml"

# Shell's typelib (Shell.AppSystem, Shell.AppState), and Mutter's it depends on: GNOME Shell
# keeps them in private folders. Loaded only; nothing of GNOME Shell runs.
typelibs=
for dir in /usr/lib/gnome-shell /usr/lib64/gnome-shell /usr/lib/*/gnome-shell \
    /usr/lib/*/mutter-* /usr/lib64/mutter-*; do
    [[ -d $dir ]] && typelibs+="${typelibs:+:}$dir"
done

cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$work</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

cd "$src/tests/gjs"
# NOCONTACT_TEST_BUS rather than relying on DBUS_SESSION_BUS_ADDRESS alone: a test started
# outside this script refuses to run instead of using the desktop's bus.
env NOCONTACT_GJS_EXTENSIONS="$work/extensions" NOCONTACT_GJS_RESOURCE="$work/standin.gresource" \
    GI_TYPELIB_PATH="$typelibs${GI_TYPELIB_PATH:+:$GI_TYPELIB_PATH}" \
    LD_LIBRARY_PATH="$typelibs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    dbus-run-session --config-file="$work/bus.conf" -- \
    sh -c 'NOCONTACT_TEST_BUS="$DBUS_SESSION_BUS_ADDRESS" exec gjs -m entry.js "$0"' "$test_js"
