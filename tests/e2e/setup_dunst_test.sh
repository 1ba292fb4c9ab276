#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `nocontactctl setup` on real dunst started the Debian way: D-Bus activation, no dunstrc of
# the person's own (only the system's), a private bus and Xvfb. After setup --yes, 20 messages
# from a contact at firm are never displayed, while a stranger's still are, and so is every
# stranger of the corpus sent through FDO Notify; --undo leaves the person's files as they were.
# nocontactd is not running: what is checked here is what dunst's own rules do. dunst 1.9 reads
# rules only when it starts, so setup ends it (the bus starts it again); dunst 1.10 and later
# (Debian 13's 1.12) are asked to read their settings again and keep running.
# Usage: setup_dunst_test.sh NOCONTACTCTL SOURCE_DIR
set -uo pipefail
ctl=$1
src=$2
# The private session's helpers: wait_for, and its bus (session_start_bus).
# shellcheck source=tests/e2e/session.sh
source "$src/tests/e2e/session.sh"
tmp=$session_dir
pids=()
passed=0
failed=0

bus_call() {  # METHOD ARGS... on the bus itself
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        "org.freedesktop.DBus.$1" "${@:2}"
}
owned() { bus_call NameHasOwner string:org.freedesktop.Notifications | grep -q true; }
not_owned() { ! owned; }
dunst_pid() {
    bus_call GetConnectionUnixProcessID string:org.freedesktop.Notifications 2>/dev/null |
        awk '/uint32/ {print $2}'
}
cleanup() {
    local p
    p=$(dunst_pid)
    [[ -n $p ]] && kill "$p" 2>/dev/null
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    session_stop  # the bus, the rest, and the folder
}
trap cleanup EXIT
result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $2"
        sed 's/^/  setup: /' "$tmp/out" "$tmp/err" 2>/dev/null | head -20
        tail -n 20 "$tmp/bus.log" | sed 's/^/  bus: /'
    fi
}
# dunstctl calls org.freedesktop.Notifications: only ever while dunst is running.
count() { dunstctl count "$1"; }

# --- the session: Xvfb, then a bus that starts dunst on the first notification -------------
for display in $(seq 150 199); do
    [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]] || break
done
# -noreset: dunst 1.10+ closes its display and opens it again when it reads its settings
# again; a resetting Xvfb refuses it meanwhile, and it dies.
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=":$display"
wait_for 10 test -e "/tmp/.X11-unix/X$display" || { echo "FAIL: no Xvfb"; exit 1; }

home=$tmp/home
mkdir -p "$home/config/nocontact" "$tmp/services" "$tmp/bin"
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state
unset XDG_CONFIG_DIRS  # dunst and setup find the system's /etc/xdg/dunst/dunstrc
[[ -r /etc/xdg/dunst/dunstrc ]] || { echo "FAIL: no system dunstrc to start from"; exit 1; }
cat >"$home/config/nocontact/policy.yaml" <<'EOF'
version: 1
contacts:
  - name: Alex
    strictness: firm
    match: { names: ["Alex Morgan"] }
EOF
printf '[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=%s\n' "$(command -v dunst)" \
    >"$tmp/services/org.freedesktop.Notifications.service"
session_services=$tmp/services
session_start_bus own-user || { echo "FAIL: no private bus"; exit 1; }
# A stand-in systemctl: the machine's user manager is none of this test's business.
printf '#!/bin/sh\necho "$*" >>"%s/systemctl.log"\ncase "$*" in *is-enabled*) echo disabled; exit 1;; esac\n' \
    "$tmp" >"$tmp/bin/systemctl"
chmod +x "$tmp/bin/systemctl"
export PATH="$tmp/bin:$PATH"
export NOCONTACT_DATA_DIR=$src/config

signal() {  # SUMMARY BODY: a notification shaped like Signal Desktop's
    notify-send -a Signal -h string:desktop-entry:signal -- "$1" "$2"
}

# --- before setup: dunst shows the contact's message ---------------------------------------
signal "Sam Rivera" "are we still on for Saturday?"
wait_for 10 owned && [[ $(count displayed) -eq 1 ]]
result $? "dunst is started by D-Bus activation and shows a notification"
# "Dunst - A customizable and lightweight notification-daemon 1.12.0 (2024-09-01)"
read -r major minor < <(dunst -v | sed -nE 's/.* ([0-9]+)\.([0-9]+)\.[0-9]+.*/\1 \2/p' | head -n1)
reloads=$((major > 1 || (major == 1 && minor >= 10)))
# after_setup: what setup did to dunst, as its version asks: ended, or asked to read the rules
# and still the same dunst.
first_dunst=$(dunst_pid)
after_setup() {
    if ((reloads)); then
        grep -q "Ask dunst to read its settings again" "$tmp/out" && owned &&
            [[ $(dunst_pid) == "$first_dunst" ]]
    else
        grep -q "Stop dunst" "$tmp/out" && wait_for 10 not_owned
    fi
}
dunstctl close-all
wait_for 5 test "$(count displayed)" -eq 0
before=$(cd "$home" && find config ! -path 'config/nocontact/*' | sort)

# --- setup: rules, a copy of the system dunstrc, and dunst ended or told to read them -------
timeout 30 "$ctl" setup --yes </dev/null >"$tmp/out" 2>"$tmp/err" && after_setup &&
    test -f "$home/config/dunst/dunstrc.d/90-nocontact.conf" &&
    head -n1 "$home/config/dunst/dunstrc" | grep -q '^# nocontact: a copy of /etc/xdg/dunst/dunstrc'
result $? "setup writes the rules beside a copy of the system dunstrc; dunst $major.$minor reads them"

# --- after setup: dunst (started again by the next notification, or reloaded) has the rules -
# dunst keeps 20 at most in its history: a dunst that kept running (reloaded) starts it empty,
# as a dunst started again does.
((reloads)) && dunstctl history-clear
shown=0
history0=-1
for i in $(seq 1 20); do
    signal "Alex Morgan" "message $i from the contact"
    [[ $history0 -lt 0 ]] && history0=$(($(count history) - 1))
    shown=$((shown + $(count displayed) + $(count waiting)))
done
[[ $shown -eq 0 && $(count history) -eq $((history0 + 20)) ]]
result $? "20 messages from the contact are never displayed (shown: $shown)"

signal "Alexandra Morgan" "hi!"
notify-send -a Firefox -h string:desktop-entry:firefox -- "Friends" "Sam: did Alex Morgan text you?"
[[ $(count displayed) -eq 2 ]]
result $? "a stranger's messages are still shown: Alexandra, and Sam naming the contact"
dunstctl close-all

# Every stranger of the corpus sent through FDO Notify: shown, none to history unseen.
python3 - "$src/tests/data/corpus/"{notifications,more-shapes}.jsonl >"$tmp/strangers" <<'EOF'
import json, sys
alex = {"Alex Morgan", "(415) 555-0100", "415-555-0100", "4155550100", "+14155550100",
        "+1 415 555 0100", "+1 (415) 555-0100", "alex.m@example.com", "@alex.morgan:matrix.org"}
for line in (line for path in sys.argv[1:] for line in open(path)):
    d = json.loads(line)
    sender = (d["sender"] or "").translate({c: None for c in (0x2068, 0x2069, 0x200B, 0x200E, 0xFEFF)})
    if d["interface"] != "fdo" or sender in alex or not d["args"].get("summary"):
        continue
    a = d["args"]
    entry = a.get("hints", {}).get("desktop-entry", "")
    for field in (d["id"], a["app_name"], entry, a["summary"], a.get("body", "")):
        sys.stdout.write(field + "\0")
EOF
history1=$(count history)
strangers=0
hidden=0
while IFS= read -r -d '' id && IFS= read -r -d '' app && IFS= read -r -d '' entry &&
    IFS= read -r -d '' summary && IFS= read -r -d '' body; do
    hint=()
    [[ -n $entry ]] && hint=(-h "string:desktop-entry:$entry")
    notify-send -u critical -a "$app" "${hint[@]}" -- "$summary" "$body"
    strangers=$((strangers + 1))
    if [[ $(count history) -ne $history1 ]]; then
        hidden=$((hidden + 1))
        echo "  hidden: $id"
        history1=$(count history)
    fi
done <"$tmp/strangers"
[[ $strangers -ge 10 && $hidden -eq 0 ]]
result $? "every FDO stranger of the corpus ($strangers) is shown by dunst with the rules in force"
dunstctl close-all
wait_for 5 test "$(count displayed)" -eq 0

# nocontact's own notifications (the pause, with the person's reasons) leave nothing in history;
# a stranger's message, closed the same way, goes there as always.
displayed_is() { [[ $(count displayed) -eq $1 ]]; }
notify-send -a nocontact -- "Alex wrote — take a breath" "Day 12. He only writes when he's bored."
notify-send -a Signal -- "Sam" "see you at eight"
wait_for 5 displayed_is 2
dunstctl close-all
wait_for 5 displayed_is 0
# dunst keeps 20 at most (history_length): look for the two by their words, not by the count.
dunstctl history | python3 -c '
import json, sys
bodies = [n["body"]["data"] for n in json.load(sys.stdin)["data"][0]]
sys.exit(0 if "see you at eight" in bodies and not any("bored" in b for b in bodies) else 1)'
result $? "the pause is kept out of dunst's history, a stranger's message is not"

# --- undo: the rules and the copy go, dunst forgets them (ended again, or reloaded) ----------
first_dunst=$(dunst_pid)
timeout 30 "$ctl" setup --undo --yes </dev/null >"$tmp/out" 2>"$tmp/err" && after_setup &&
    [[ "$(cd "$home" && find config ! -path 'config/nocontact/*' | sort)" == "$before" ]]
result $? "setup --undo removes the rules and the copy, and dunst forgets them"
signal "Alex Morgan" "after undo"
wait_for 10 owned && [[ $(count displayed) -eq 1 ]]
result $? "after --undo, dunst shows the contact's message again (no rule left behind)"

echo "setup on dunst: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
