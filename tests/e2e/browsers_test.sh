#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Web messengers in a real browser: Chromium or Firefox ESR (Debian's packages) on Xvfb with a
# private bus, real dunst, and nocontactd with one contact at `firm`. The browser opens WhatsApp
# Web, Messenger, Discord, Telegram Web, Element Web and Slack, one after another, each served
# here under its real name over HTTPS (tests/e2e/browsers/), and each site's page fires its
# notifications with the Notification API: a direct message, a group message and one with the
# sender hidden in the title, from the contact and from a stranger who mentions the contact.
# Every one of the contact's must be kept, and every stranger's shown.
#
# Usage: browsers_test.sh chromium|chromium-portal|firefox NOCONTACTD SOURCE_DIR
# Needs root: it runs in a network namespace of its own, where every site name is 127.0.0.1,
# port 443 is free, and nothing reaches the internet.
set -uo pipefail
browser=$1
daemon=$2
src=$3
if [[ -z ${NOCONTACT_BROWSER_NETNS:-} ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "FAIL: browsers_test.sh needs root (a network namespace)"; exit 1; }
    exec unshare --net env NOCONTACT_BROWSER_NETNS=1 "$0" "$@"
fi
ip link set lo up || { echo "FAIL: no loopback in the test's network namespace"; exit 1; }
here=$src/tests/e2e/browsers
source "$src/tests/e2e/session.sh"
trap 'session_stop' EXIT
log=$session_dir/nocontactd.log
# The browsers' caches and settings go to the session, not to the machine's home.
export HOME=$session_dir/home XDG_CONFIG_HOME=$session_dir/home/.config
export XDG_CACHE_HOME=$session_dir/home/.cache
mkdir -p "$HOME"
passed=0
failed=0
result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $browser: $2"
        echo "--- what the pages reported:"; cat "$session_dir/sites.log" 2>/dev/null
        echo "--- the browser's log (last lines):"; tail -n 15 "$session_dir/browser.log"
        echo "--- nocontactd's log:"; cat "$log"
    fi
}
sites() { python3 -c "import sys; sys.path.insert(0, '$here'); import sites; print('$1'.join(sites.order()))"; }

# A throwaway certificate authority, and one certificate for every site name.
d=$session_dir
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nocontact test sites" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=web.whatsapp.com" \
        -keyout "$d/site.key" -out "$d/site.csr" 2>/dev/null &&
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
        "$(sites ,DNS:)" >"$d/site.ext" &&
    openssl x509 -req -in "$d/site.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 2 -extfile "$d/site.ext" -out "$d/site.pem" 2>/dev/null &&
    cat "$d/site.pem" "$d/ca.pem" >"$d/chain.pem"
result $? "a certificate for the sites is made"
python3 "$here/site_server.py" "$d/chain.pem" "$d/site.key" "$d/sites.log" >"$d/server.log" 2>&1 &
session_pids+=($!)
wait_for 10 grep -q ready "$d/server.log"
result $? "the sites are served"

start_nocontactd() {
    export NOCONTACT_DATA_DIR=${NOCONTACT_TEST_DATA_DIR:-$src/config}
    cat >"$d/policy.yaml" <<'YAML'
version: 1
defaults: { strictness: firm, region: US, pause: 3s }
contacts:
  - name: Alex
    since: 2026-10-01
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan"] }
YAML
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$d/no-system-bus" \
        "$daemon" --policy "$d/policy.yaml" --state-dir "$d/state" >"$log" 2>&1 &
    session_pids+=($!)
    wait_for 10 dbus-send --session --print-reply --dest=org.nocontact.Daemon1 \
        /org/nocontact/Daemon1 org.nocontact.Daemon1.Status
    result $? "nocontactd starts and answers Status"
}

# A fresh profile that may show notifications on every site without asking, and that trusts the
# certificate (Chromium: by its key; Firefox: the authority in its store).
chromium_profile() {
    mkdir -p "$d/profile/Default"
    echo '{"profile":{"default_content_setting_values":{"notifications":1}}}' \
        >"$d/profile/Default/Preferences"
    spki=$(openssl x509 -in "$d/site.pem" -pubkey -noout | openssl pkey -pubin -outform der |
        openssl dgst -sha256 -binary | base64)
}
# chromium URL: starts Chromium, or hands the running one the URL (that one ends at once).
chromium() {
    command chromium --no-sandbox --user-data-dir="$d/profile" --no-first-run \
        --no-default-browser-check --disable-gpu --password-store=basic \
        --host-resolver-rules="MAP * 127.0.0.1" --ignore-certificate-errors-spki-list="$spki" \
        "$1" >>"$d/browser.log" 2>&1 &
    session_pids+=($!)
}
firefox_profile() {
    mkdir -p "$d/profile"
    certutil -N -d "sql:$d/profile" --empty-password &&
        certutil -A -d "sql:$d/profile" -n "nocontact test sites" -t "C,," -i "$d/ca.pem"
    cat >"$d/profile/user.js" <<JS
user_pref("permissions.default.desktop-notification", 1);
user_pref("network.dns.localDomains", "$(sites ,)");
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.disabledForTesting", true);
JS
}
names_owner() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q "boolean true"
}
# Chromium has asked the desktop portal which version of notifications it speaks: it asks once
# it found no notification server, and from then on sends its notifications to the portal.
chose_the_portal() {
    grep -A1 "destination=org.freedesktop.portal.Desktop .*member=Get$" "$d/calls.log" |
        grep -q '"org.freedesktop.portal.Notification"'
}
# How many notifications went through the portal (AddNotification), and how many the portal's
# backend sent on to the server (Notify from the owner of its name).
through_the_portal() { grep -c "interface=org.freedesktop.portal.Notification; member=AddNotification" "$d/calls.log"; }

# One browser start each.
first=https://web.whatsapp.com/
case $browser in
    chromium)
        session_start || { echo "FAIL: $browser: could not start the private session"; exit 1; }
        start_nocontactd
        chromium_profile
        chromium "$first"
        ;;
    firefox)
        session_start || { echo "FAIL: $browser: could not start the private session"; exit 1; }
        start_nocontactd
        firefox_profile
        firefox-esr --no-remote --profile "$d/profile" "$first" >"$d/browser.log" 2>&1 &
        session_pids+=($!)
        ;;
    chromium-portal)
        # Chromium finds no notification server when it starts, so it sends to the desktop
        # portal (xdg-desktop-portal with its GTK backend), which sends each one on to dunst,
        # started after it, with no app name: nocontactd reads it as the program that sent it.
        session_start_bus own-user && session_start_x ||
            { echo "FAIL: $browser: could not start the private session"; exit 1; }
        dbus-monitor --session "type='method_call',member='Get'" \
            "type='method_call',member='AddNotification'" "type='method_call',member='Notify'" \
            >"$d/calls.log" 2>&1 &
        session_pids+=($!)
        export XDG_CURRENT_DESKTOP=GNOME  # where the GTK backend is the portal's
        /usr/libexec/xdg-desktop-portal-gtk >"$d/portal-gtk.log" 2>&1 &
        session_pids+=($!)
        wait_for 10 names_owner org.freedesktop.impl.portal.desktop.gtk
        /usr/libexec/xdg-desktop-portal >"$d/portal.log" 2>&1 &
        session_pids+=($!)
        wait_for 10 names_owner org.freedesktop.portal.Desktop
        result $? "the desktop portal and its GTK backend start"
        chromium_profile
        chromium about:blank
        wait_for 30 chose_the_portal
        result $? "Chromium, finding no notification server, turns to the portal"
        session_start_dunst || { echo "FAIL: $browser: dunst does not start"; exit 1; }
        start_nocontactd
        chromium "$first"
        ;;
    *) echo "usage: browsers_test.sh chromium|chromium-portal|firefox NOCONTACTD SOURCE_DIR"; exit 2 ;;
esac

wait_for 120 grep -q "all-finished" "$d/sites.log"
result $? "the browser opens every site and each fires its notifications"
! grep -v "permission granted" "$d/sites.log" | grep -q "permission"
result $? "every site may show notifications, without a prompt"
! grep "^.* sent " "$d/sites.log" | grep -vq " shown$"
result $? "the browser says each notification was shown (to the page)"

if [[ $browser == chromium-portal ]]; then
    sent=$(python3 -c "import sys; sys.path.insert(0, '$here'); import sites
print(sum(len(sites.notifications(s)) for s in sites.order()))")
    [[ $(through_the_portal) -eq $sent ]]
    result $? "all $sent notifications went through the desktop portal ($(through_the_portal) did)"
fi
wait_for 20 python3 "$here/verdict.py" "$d/state" --held-only
result $? "nocontactd keeps every one of the contact's messages"
# Kept when the Notify call is seen, withheld once the server's reply brings the id: before
# anything still on screen goes to the history, every one of them is withheld. Status counts a
# close once it is written to the bus (dunst has carried out every close so far, so it is not
# asked to answer): the bus reads it long before dunstctl below, on a new connection, can reach
# dunst, and dunst carries out its calls in the order the bus hands them over.
contact_messages=$(python3 -c "import sys; sys.path.insert(0, '$here'); import sites
print(sum(1 for s in sites.order() for n in sites.notifications(s) if n[1]))")
withheld_all() {
    /usr/bin/python3 - "$contact_messages" <<'PY'
import sys, dbus
status = dbus.SessionBus().get_object('org.nocontact.Daemon1', '/org/nocontact/Daemon1').Status(
    dbus_interface='org.nocontact.Daemon1')
sys.exit(0 if int(status['withheld']) >= int(sys.argv[1]) else 1)
PY
}
wait_for 20 withheld_all
result $? "nocontactd withholds every one of the contact's messages"
# Everything still on screen goes to dunst's history, where the verdict reads it.
dunstctl close-all
python3 "$here/verdict.py" "$d/state"
result $? "every contact's message is kept and left nowhere in dunst; every stranger's is shown"

! grep -q -- "are you coming" "$log"
result $? "the daemon's log never holds message text"

echo "$browser: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
