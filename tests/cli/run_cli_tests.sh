#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nocontactctl as a person runs it: exit codes, where the words go, and hostile files.
# Usage: run_cli_tests.sh NOCONTACTCTL SOURCE_DIR LOCALE_DIR
# (LOCALE_DIR: the translations as the build makes them, LANG/LC_MESSAGES/nocontact.mo)
set -uo pipefail
ctl=$1
src=$2
locale=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME EXPECTED_STATUS COMMAND... : runs COMMAND with a 20 s deadline, keeps its output.
check() {
    local name=$1 want=$2
    shift 2
    timeout 20 "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [[ $got -eq $want ]]; then
        return 0
    fi
    echo "FAIL: $name: exit $got, expected $want"
    sed 's/^/  stdout: /' "$tmp/out" | head -5
    sed 's/^/  stderr: /' "$tmp/err" | head -5
    return 1
}
# contains FILE PATTERN : the output holds the (extended) regular expression.
contains() { grep -qE -- "$2" "$tmp/$1" || { echo "  missing in $1: $2"; return 1; }; }
result() {
    if [[ $1 -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $2"
    fi
}

example=$src/config/policy.example.yaml
corpus=$src/tests/data/corpus

check version 0 "$ctl" --version && contains out '^nocontactctl [0-9]+\.[0-9]+'
result $? "--version prints the version"

check usage 2 "$ctl"
result $? "no verb is a usage error (exit 2)"

check unknown-verb 2 "$ctl" frobnicate
result $? "an unknown verb is a usage error (exit 2)"

check valid 0 "$ctl" check "$example" && contains out 'is valid'
result $? "check accepts the example policy"

check missing 1 "$ctl" check "$tmp/nowhere.yaml" && contains err 'no policy at'
result $? "check explains a missing file kindly"

# libphonenumber is a module loaded when a number is read (policy/phone_loader.cpp): without it
# the numbers cannot be read, and each says why, not that the number is wrong.
check no-phone-module 1 env NOCONTACT_PHONE_MODULE="$tmp/nowhere.so" "$ctl" check "$example" &&
    contains err ':[0-9]+:[0-9]+: error: phone numbers cannot be read on this computer: ' &&
    contains err 'nocontact-phone.so was not found \(looked for .*/nowhere\.so\)' &&
    ! grep -q 'as a phone number' "$tmp/err"
result $? "check says why numbers cannot be read when the phone module is missing"

check relative-phone-module 1 env NOCONTACT_PHONE_MODULE=nocontact-phone.so "$ctl" check "$example" &&
    contains err 'NOCONTACT_PHONE_MODULE must be an absolute path'
result $? "a relative NOCONTACT_PHONE_MODULE is refused, not looked for in the working folder"

cat >"$tmp/bad.yaml" <<'YAML'
version: 1
defaults:
  strictnes: pause
  pause: 2s
contacts:
  - name: Alex
    match: { names: [Alex] }
YAML
check bad 1 "$ctl" check "$tmp/bad.yaml" &&
    contains err "^$tmp/bad.yaml:3:3: error: .*strictnes" &&
    contains err "^$tmp/bad.yaml:4:10: error: .*pause"
result $? "check reports every error as FILE:LINE:COL"

# In German (po/de.po as installed), each diagnostic is a German sentence at the same place.
# gettext ignores LANGUAGE in the "C" locale, and glibc 2.41 (Debian 13) counts C.UTF-8 as "C":
# en_US.UTF-8 where it is installed, else C.UTF-8 (enough for glibc 2.36, Debian 12).
messages_locale=C.UTF-8
locale -a 2>/dev/null | grep -qx 'en_US.utf8' && messages_locale=en_US.UTF-8
check bad-de 1 env LANGUAGE=de LC_ALL=$messages_locale NOCONTACT_LOCALE_DIR="$locale" \
    "$ctl" check "$tmp/bad.yaml" &&
    contains err "^$tmp/bad.yaml:3:3: error: 'defaults' enthält den unbekannten Schlüssel \
'strictnes' \(meintest du 'strictness'\?\)$" &&
    contains err "^$tmp/bad.yaml:4:10: error: 'pause' muss zwischen 3s und 10m liegen, hier \
steht aber '2s'$"
result $? "check speaks German to a German speaker, with each line and column"

# Every diagnostic of every bad policy the loader is tested with reads differently in German:
# none is left in English, and each keeps its place.
untranslated=0
for yaml in "$src"/tests/data/bad-policies/*.yaml; do
    english=$("$ctl" check "$yaml" 2>&1 | grep -E ': (error|warning): ')
    german=$(LANGUAGE=de LC_ALL=$messages_locale NOCONTACT_LOCALE_DIR="$locale" "$ctl" check "$yaml" 2>&1 |
        grep -E ': (error|warning): ')
    untranslated=$((untranslated + $(comm -12 <(sort <<<"$english") <(sort <<<"$german") | wc -l)))
    cmp -s <(sed -E 's/^([^:]*:[0-9]+:[0-9]+: [a-z]+): .*/\1/' <<<"$english") \
        <(sed -E 's/^([^:]*:[0-9]+:[0-9]+: [a-z]+): .*/\1/' <<<"$german") ||
        { echo "  $yaml: the German diagnostics are not at the English ones' places"; untranslated=$((untranslated + 1)); }
done
[[ $untranslated -eq 0 ]]
result $? "every check diagnostic of the bad policies is in German, at its line and column"

mkdir -p "$tmp/config/nocontact"
cp "$example" "$tmp/config/nocontact/policy.yaml"
check default-path 0 env XDG_CONFIG_HOME="$tmp/config" "$ctl" check && contains out 'policy.yaml'
result $? "check without FILE reads \$XDG_CONFIG_HOME/nocontact/policy.yaml"

head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$tmp/huge.yaml"
check huge 1 "$ctl" check "$tmp/huge.yaml" && contains err 'error'
result $? "a 10 MB file is refused quickly"

printf '%*s' 100000 '' | tr ' ' '[' >"$tmp/nested.yaml"
check nested 1 "$ctl" check "$tmp/nested.yaml" && contains err ':1:[0-9]+: error'
result $? "100,000 nested brackets are refused without a crash"

head -c 65536 /dev/urandom >"$tmp/junk.yaml"
check junk 1 "$ctl" check "$tmp/junk.yaml" && contains err 'error'
result $? "binary junk is an error, not a crash"

check explain 0 "$ctl" explain --policy "$corpus/policy.yaml" --at 2026-11-27T12:00 \
    <"$corpus/notifications.jsonl" &&
    [[ $(wc -l <"$tmp/out") -eq $(wc -l <"$corpus/notifications.jsonl") ]] &&
    contains out '"id":"signal-02-group-alex-sends".*"contact":"Alex"' &&
    contains out '"id":"telegram-03-group-other-mentions-alex".*"contact":null'
result $? "explain prints one verdict per notification"

printf '%s\n' '{"interface":"fdo","args":{"summary":5}}' 'not json' >"$tmp/broken.jsonl"
check explain-broken 1 "$ctl" explain --policy "$example" <"$tmp/broken.jsonl" &&
    contains out '"error":"args.app_name is missing"' && contains out '"error":"not valid JSON"'
result $? "explain marks malformed lines and keeps going"
check explain-broken-de 1 env LANGUAGE=de LC_ALL=$messages_locale NOCONTACT_LOCALE_DIR="$locale" \
    "$ctl" explain --policy "$example" <"$tmp/broken.jsonl" &&
    contains out '"error":"args.app_name fehlt"' && contains out '"error":"kein gültiges JSON"'
result $? "explain says what is wrong with a line in German to a German speaker"

check explain-at 2 "$ctl" explain --policy "$example" --at yesterday </dev/null
result $? "explain refuses a malformed --at as a usage error"

check explain-text 0 "$ctl" explain --text --policy "$example" --at 2026-11-27T23:30 \
    <"$src/config/samples/notifications.jsonl" && contains out 'Alex Morgan → Alex'
result $? "explain --text prints readable lines"

check explain-bad-policy 1 "$ctl" explain --policy "$tmp/bad.yaml" </dev/null &&
    contains err 'nothing was judged'
result $? "explain refuses to judge with a broken policy"

check check-json 1 "$ctl" check --json "$tmp/junk.yaml" &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] is False and d["diagnostics"][0]["severity"] == "error" and d["diagnostics"][0]["line"] >= 1' "$tmp/out"
result $? "check --json describes every problem as JSON"

check check-json-valid 0 "$ctl" check --json "$example" &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] is True and d["contacts"] >= 1 and d["diagnostics"] == []' "$tmp/out"
result $? "check --json says a good policy is valid"

check reset-help 0 "$ctl" reset --help && contains out "policy's level" && contains out CONTACT
result $? "reset CONTACT goes back to the policy's level"

check reset-no-contact 2 "$ctl" reset && contains err 'CONTACT'
result $? "reset without a contact is a usage error"

check snooze-help 0 "$ctl" snooze --help && contains out -- '--end'
result $? "snooze --end ends a snooze early"

check snooze-nothing 2 "$ctl" snooze && contains err 'DURATION \(or --end\)'
result $? "snooze wants a duration or --end"

check snooze-both 2 "$ctl" snooze --end 2h
result $? "snooze --end takes no duration"

check held-all 0 "$ctl" held --help && contains out -- '--all'
result $? "held --all also lists the messages let go"

# Where there is no session bus at all, sd-bus says System.Error.ENOMEDIUM: said in words.
for verb in status held stats; do
    check "no-bus-$verb" 1 env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "$ctl" "$verb" &&
        contains err "cannot find your desktop session's bus" &&
        ! grep -q 'System.Error' "$tmp/err"
    result $? "$verb without a session bus says so in words"
done

check explain-text-broken 1 "$ctl" explain --text --policy "$example" <"$tmp/broken.jsonl" &&
    contains out 'not a notification' && ! grep -q '"error"' "$tmp/err"
result $? "explain --text points at its own lines, not at an \"error\" field"

# --- edit, like visudo: an editor script stands in for the person.
valid_policy='version: 1
contacts:
  - name: Alex
    match: { names: ["Alex Morgan"] }'
printf '#!/bin/sh\ncat >"$1" <<"EOF"\n%s\nEOF\n' "$valid_policy" >"$tmp/editor-valid"
printf '#!/bin/sh\nprintf "version: 1\\ncontacts: [ { name: Alex, strictness: furious } ]\\n" >"$1"\n' \
    >"$tmp/editor-broken"
# Broken the first time, fixed the second: it counts its runs in a file.
printf '#!/bin/sh\nif [ -e "%s" ]; then exec "%s" "$1"; fi\ntouch "%s"\nexec "%s" "$1"\n' \
    "$tmp/edited-once" "$tmp/editor-valid" "$tmp/edited-once" "$tmp/editor-broken" \
    >"$tmp/editor-twice"
printf '#!/bin/sh\nexit 3\n' >"$tmp/editor-fails"
printf '#!/bin/sh\ntrue\n' >"$tmp/editor-noop"
chmod +x "$tmp"/editor-*
mkdir -p "$tmp/edit"
policy=$tmp/edit/policy.yaml
cp "$example" "$policy"
chmod 0640 "$policy"
before=$(cat "$policy")

EDITOR="$tmp/editor-broken" check edit-broken 1 "$ctl" edit "$policy" </dev/null &&
    contains err "$policy:2:.*furious" && contains err 'not put in place' &&
    [[ "$(cat "$policy")" == "$before" ]] && [[ -f "$policy.rejected" ]] &&
    grep -q furious "$policy.rejected"
result $? "edit never installs a broken policy, and keeps the edit beside it"

EDITOR="$tmp/editor-fails" check edit-fails 1 "$ctl" edit "$policy" </dev/null &&
    contains err 'did not finish cleanly' && [[ "$(cat "$policy")" == "$before" ]]
result $? "edit leaves the policy alone when the editor fails"

EDITOR="$tmp/editor-noop" check edit-noop 0 "$ctl" edit "$policy" </dev/null &&
    contains out 'No changes'
result $? "edit says so when nothing changed"

echo y | VISUAL='' EDITOR="$tmp/editor-twice" check edit-again 0 "$ctl" edit "$policy" &&
    contains err 'Edit it again' && contains out 'Saved' &&
    [[ "$(cat "$policy")" == "$valid_policy" ]] &&
    [[ $(stat -c %a "$policy") == 600 ]] &&
    [[ -z $(find "$tmp/edit" -name '.policy.yaml.*') ]]
result $? "edit offers the copy again, installs it once valid, owner-only (0640 became 0600)"

VISUAL="$tmp/editor-valid" EDITOR="$tmp/editor-fails" \
    check edit-new 0 "$ctl" edit "$tmp/edit/new/policy.yaml" </dev/null &&
    contains out 'no policy at' && [[ $(stat -c %a "$tmp/edit/new/policy.yaml") == 600 ]] &&
    [[ $(stat -c %a "$tmp/edit/new") == 700 ]]
result $? "edit starts a new policy, 0600 in a 0700 folder, and prefers VISUAL"

# Every sentence a person reads is in the catalogue: none grades, preaches or mixes the words.
# Statistics describe (no rate of pauses "honoured"), going back is not "part of the process",
# a message is kept (never withheld, held or "keeping"), and nothing is opened "anyway".
pot=$src/po/nocontact.pot
# (`nocontactctl held` and the {held} count keep their names.)
banned='honour|part of the process|without judgement|Each one counts|[Oo]pen(ed)? anyway|'
banned+='withh[eo]ld|(?<!nocontactctl )(?<!\{)\bheld\b|\bholds?\b|keeping a message|'
banned+='back to \{level\} for a while|\{percent\}'
! sed -n '/^msgid/,/^msgstr/p' "$pot" | grep -v "^msgstr" | grep -qiP -- "$banned"
result $? "the catalogue has no sentence that grades, preaches or says withheld or held"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
