#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The systemd user unit and the D-Bus activation file as `cmake --install` lays them out:
# systemd-analyze verify --user accepts the unit, and the two files agree with each other.
# Usage: systemd_units_test.sh BUILD_DIR NOCONTACTD
set -uo pipefail
build=$1
nocontactd=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $2"
    fi
}
# value FILE KEY : the value of the first KEY= line.
value() { sed -n "s/^$2=//p" "$1" | head -1; }
# has FILE KEY VALUE : FILE sets KEY to exactly VALUE.
has() {
    [[ "$(value "$1" "$2")" == "$3" ]] || { echo "  $1: $2 is '$(value "$1" "$2")'"; return 1; }
}
# verify UNIT : systemd-analyze verify --user, silent and successful. It needs a runtime
# directory for the user manager it simulates; a private one keeps the machine's untouched.
verify() {
    XDG_RUNTIME_DIR=$tmp/runtime timeout 60 systemd-analyze verify --user "$1" >"$tmp/verify.all" 2>&1
    local rc=$?
    # Only remarks about nocontact's own units count: verify loads the other user units too,
    # and two notification servers installed side by side (dunst.service and mako.service both
    # name org.freedesktop.Notifications), or another package's unit, make it talk about them.
    grep -e nocontactd -e org.nocontact "$tmp/verify.all" >"$tmp/verify"
    [[ $rc -eq 0 && ! -s $tmp/verify ]] || { sed 's/^/  verify: /' "$tmp/verify"; return 1; }
}

mkdir -p "$tmp/runtime" && chmod 700 "$tmp/runtime"
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install" 2>&1
result $? "cmake --install into a temporary prefix" || sed 's/^/  /' "$tmp/install"

unit=$tmp/prefix/lib/systemd/user/nocontactd.service
activation=$tmp/prefix/share/dbus-1/services/org.nocontact.Daemon1.service
[[ -f $unit ]]
result $? "the user unit is installed under lib/systemd/user"
[[ -f $activation ]]
result $? "the activation file is installed under share/dbus-1/services"

# The installed unit names the binary under the configured prefix, which does not exist in this
# temporary tree: verify a copy that runs the binary just built, otherwise the same.
# Its man: link points into the same tree, where man(1) does not look: the manual page is checked
# below, file by file, instead.
mkdir -p "$tmp/verify-ok"
sed -e "s|^ExecStart=.*|ExecStart=$nocontactd|" -e 's|^Documentation=man:[^ ]* |Documentation=|' \
    "$unit" >"$tmp/verify-ok/nocontactd.service"
verify "$tmp/verify-ok/nocontactd.service"
result $? "systemd-analyze verify --user accepts the unit without a warning"

# Another package's unit with a mistake of its own is not nocontact's to judge.
mkdir -p "$tmp/config/systemd/user/graphical-session.target.wants"
printf '%s\n' '[Unit]' 'PartOf=graphical-session.target' '[Service]' 'ExecStart=/bin/true' \
    'NoSuchKey=1' '[Install]' 'WantedBy=graphical-session.target' \
    >"$tmp/config/systemd/user/another-app.service"
ln -s ../another-app.service "$tmp/config/systemd/user/graphical-session.target.wants/"
XDG_CONFIG_HOME=$tmp/config verify "$tmp/verify-ok/nocontactd.service" &&
    grep -q 'another-app.service.*NoSuchKey' "$tmp/verify.all"
result $? "systemd-analyze verify --user judges nocontact's unit, not another package's"

# The check itself must be able to fail: a unit whose binary is missing is refused.
mkdir -p "$tmp/verify-bad"
bad=$tmp/verify-bad/nocontactd.service
sed "s|^ExecStart=.*|ExecStart=$tmp/missing/nocontactd|" "$unit" >"$bad"
! verify "$bad" >/dev/null
result $? "systemd-analyze verify --user refuses a unit whose binary is missing"

has "$unit" Type notify && has "$unit" BusName org.nocontact.Daemon1
result $? "the unit is Type=notify with BusName=org.nocontact.Daemon1"
has "$unit" Restart on-failure && has "$unit" WatchdogSec 30s &&
    has "$unit" RestartPreventExitStatus 3
result $? "the unit restarts on failure, but not beside a nocontactd already running, and has a watchdog"
has "$unit" ExecReload '/bin/kill -HUP $MAINPID'
result $? "reloading the unit sends SIGHUP"
has "$unit" PartOf graphical-session.target && has "$unit" After graphical-session.target &&
    has "$unit" WantedBy graphical-session.target
result $? "the unit lives with the graphical session"
[[ "$(value "$unit" ExecStart)" == /*/nocontactd ]]
result $? "the unit starts an absolute nocontactd path"
# Documentation= names the file under the configured prefix; find it in the temporary one.
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
documented() {
    local doc page section
    for doc in $(value "$unit" Documentation); do
        case $doc in
            file://*)
                doc=${doc#file://}
                [[ -f "$tmp/prefix/${doc#"$prefix"/}" ]] || { echo "  missing: $doc"; return 1; } ;;
            man:*)
                page=${doc#man:}
                section=${page#*(}
                section=${section%)}
                page=${page%%(*}
                compgen -G "$tmp/prefix/share/man/man$section/$page.$section*" >/dev/null ||
                    { echo "  missing: $doc"; return 1; } ;;
            *) echo "  unknown: $doc"; return 1 ;;
        esac
    done
}
documented
result $? "every Documentation= of the unit is installed ($(value "$unit" Documentation))"

has "$activation" Name org.nocontact.Daemon1
result $? "the activation file is for org.nocontact.Daemon1"
has "$activation" SystemdService nocontactd.service
result $? "the activation file hands activation to nocontactd.service"
has "$activation" Exec "$(value "$unit" ExecStart)"
result $? "the activation file's Exec= is the unit's ExecStart="

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
