# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Sourced by tests/e2e/flash.sh: nocontactd and the messages sent in the detector's session, and
# what the detector saw of them.
# shellcheck disable=SC2154  # session_dir: set by tests/e2e/session.sh, sourced by flash.sh
#   flash_settle [HELD]         waits until nocontactd holds HELD messages (when given), nothing
#                               is on screen and nothing has been drawn for a moment
#   flash_send SUMMARY BODY     a Signal-like notification (notify-send); prints its id
#   flash_close ID              CloseNotification, as an app would
#   flash_start_daemon NOCONTACTD [ARG...]   nocontactd with one contact, Alex Morgan, at firm
#                               (ARGs for it, e.g. --withdrawal close-now)
#   flash_held                  how many messages nocontactd holds (Status "held")
#   flash_withdrawal_is WAY     nocontactd takes messages back WAY (Status "withdrawal")
#   flash_status_of KEY         a text value of nocontactd's Status (e.g. server_name)
#   flash_server_named          nocontactd knows the server's name (its way is chosen then)
#   flash_run_hook COMMAND      runs COMMAND (e.g. "nocontactctl setup --yes") in the session,
#                               then starts the server again if the command stopped it (and
#                               waited for it to end) without starting it again itself
#   flash_stranger              one stranger's message; 0 if the detector saw it drawn (and,
#                               where messages are marked, saw its mark: its content)
#   flash_contact_messages N    N messages from the contact, one at a time, each settled;
#                               sets flash_flashed (how many were drawn), flash_drawn (events)
#                               and flash_shown (how many had their content, the mark, drawn)
#   flash_expect_none SERVER N  (after flash_start SERVER, the daemon and the rules) fails
#                               unless a stranger is seen and none of N contact messages is
#                               drawn

flash_held() {
    gdbus call --session --dest org.nocontact.Daemon1 --object-path /org/nocontact/Daemon1 \
        --method org.nocontact.Daemon1.Status 2>/dev/null |
        grep -oE "'held': <uint32 [0-9]+>" | grep -oE '[0-9]+>' | tr -d '>'
}
flash_held_at_least() { [[ $(flash_held) -ge $1 ]]; }
# How nocontactd takes a message back from this server (Status "withdrawal").
flash_withdrawal_is() {
    gdbus call --session --dest org.nocontact.Daemon1 --object-path /org/nocontact/Daemon1 \
        --method org.nocontact.Daemon1.Status 2>/dev/null | grep -qF "'withdrawal': <'$1'>"
}

flash_status_of() {
    gdbus call --session --dest org.nocontact.Daemon1 --object-path /org/nocontact/Daemon1 \
        --method org.nocontact.Daemon1.Status 2>/dev/null | grep -oE "'$1': <'[^']*'>" |
        cut -d"'" -f4
}
flash_server_named() { [[ -n $(flash_status_of server_name) ]]; }

flash_settle() {
    if [[ -n ${1:-} ]]; then
        wait_for 15 flash_held_at_least "$1" || return 1
    fi
    wait_for 15 flash_quiet
}

flash_send() {
    local mark=()
    [[ -n $flash_mark ]] && mark=(-h "string:image-path:$flash_mark")
    notify-send -p -a Signal -h string:desktop-entry:signal "${mark[@]}" "$1" "$2"
}

flash_close() {
    dbus-send --session --print-reply --dest=org.freedesktop.Notifications \
        /org/freedesktop/Notifications org.freedesktop.Notifications.CloseNotification \
        "uint32:$1" >/dev/null
}

# One contact, at firm (held silently, no pause drawn), digests never due during a run.
flash_start_daemon() {
    local daemon=$1 policy=$XDG_CONFIG_HOME/nocontact/policy.yaml
    shift
    mkdir -p "$(dirname "$policy")"
    cat >"$policy" <<'YAML'
version: 1
defaults: { strictness: pause, region: US, pause: 3s }
contacts:
  - name: Alex
    since: 2026-10-01
    strictness: firm
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan"] }
YAML
    # Never the machine's system bus (ModemManager): a test's daemon follows only what it is given.
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$session_dir/no-system-bus" \
        "$daemon" --policy "$policy" --state-dir "$session_dir/state" "$@" \
        >"$session_dir/nocontactd.log" 2>&1 &
    flash_daemon_pid=$!
    session_pids+=("$flash_daemon_pid")
    wait_for 10 flash_held_at_least 0
}

flash_run_hook() {
    local status
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$session_dir/no-system-bus" bash -c "$1"
    status=$?
    flash_server_ensure || return 1
    return $status
}

flash_stranger() {
    local before id content
    before=$(flash_count)
    content=$(flash_content_count)
    # Each one worded anew: Plasma refuses a notification the same as the one before it within
    # a second (ExcessNotificationGeneration).
    flash_strangers_sent=$((${flash_strangers_sent:-0} + 1))
    id=$(flash_send "Sam Rivera" "are we still on for Saturday? ($flash_strangers_sent)") || return 1
    wait_for 10 flash_count_above "$before"
    local seen=$?
    if [[ $seen -eq 0 && -n $flash_mark ]]; then
        wait_for 10 flash_content_above "$content"
        seen=$?
    fi
    flash_close "$id"
    wait_for 15 flash_quiet
    return $seen
}

flash_contact_messages() {
    local n=$1 i before content held0 events=""
    flash_flashed=0
    flash_drawn=0
    flash_shown=0
    held0=$(flash_held)
    for ((i = 1; i <= n; i++)); do
        before=$(flash_count)
        content=$(flash_content_count)
        flash_send "Alex Morgan" "message $i: can we talk tonight?" >/dev/null || return 1
        flash_settle "$((held0 + i))" || {
            echo "flash: message $i not settled (held $(flash_held), on screen $(flash_visible))" >&2
            return 1
        }
        (($(flash_content_count) > content)) && flash_shown=$((flash_shown + 1))
        events=$(($(flash_count) - before))
        if ((events > 0)); then
            flash_flashed=$((flash_flashed + 1))
            flash_drawn=$((flash_drawn + events))
        fi
    done
}

flash_expect_none() {
    local server=$1 n=$2
    if ! flash_stranger; then
        echo "FAIL: $server: a stranger's message was not seen drawn: the detector is blind"
        return 1
    fi
    flash_contact_messages "$n" || { echo "FAIL: $server: the contact's messages did not settle"; return 1; }
    if ((flash_flashed > 0)); then
        echo "FAIL: $server: $flash_flashed of $n contact messages drawn ($flash_drawn draws)"
        return 1
    fi
    if ! flash_stranger; then
        echo "FAIL: $server: a stranger's message was not seen drawn after the contact's"
        return 1
    fi
    echo "ok: $server: 0 of $n contact messages drawn; strangers drawn before and after"
}
