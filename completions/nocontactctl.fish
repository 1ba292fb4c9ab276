# SPDX-License-Identifier: GPL-3.0-or-later
# fish completion for nocontactctl(1).

set -l verbs setup check edit explain reload status held stats journal export read let-go \
    soften harden reset final-straw snooze note
set -l top "not __fish_seen_subcommand_from $verbs"

# The contacts of the running daemon; nothing when it is not running (asking it would start
# it through D-Bus activation, and completion should never do that).
function __nocontactctl_contacts
    systemctl --user --quiet is-active nocontactd.service 2>/dev/null; or return 0
    timeout 2 nocontactctl status --json 2>/dev/null |
        string match -ar '"contact": *"[^"]*"' |
        string replace -r '^"contact": *"(.*)"$' '$1'
end

function __nocontactctl_verb
    __fish_seen_subcommand_from $argv
end

set -l c complete -c nocontactctl
$c -f
$c -n $top -l version -d 'Print the version'
$c -s h -l help -d 'Show help'

$c -n $top -a setup -d 'Prepare your desktop so held messages are never shown'
$c -n $top -a check -d 'Check a policy file and explain every problem'
$c -n $top -a edit -d 'Edit your policy safely, like visudo'
$c -n $top -a explain -d 'Judge notifications (JSON lines on stdin) and say why'
$c -n $top -a reload -d 'Read the policy again'
$c -n $top -a status -d 'What nocontact is doing, and why'
$c -n $top -a held -d 'The messages nocontact keeps for you'
$c -n $top -a stats -d 'Days held, attempts per day, pauses honoured'
$c -n $top -a journal -d 'Attempts, pauses, choices and notes'
$c -n $top -a export -d 'Everything the journal holds, as JSON'
$c -n $top -a read -d 'Take a breath, then read kept messages'
$c -n $top -a let-go -d 'Let kept messages go without reading them'
$c -n $top -a soften -d 'A step down, for a while or until changed'
$c -n $top -a harden -d 'A step up, for a while or until changed'
$c -n $top -a reset -d "Back to the policy's level for a contact"
$c -n $top -a final-straw -d 'Strict from now on; day one is today'
$c -n $top -a snooze -d 'All intervention off for a while'
$c -n $top -a note -d 'A note in your own words'

$c -n '__nocontactctl_verb check edit' -F -a '(__fish_complete_suffix .yaml)'
$c -n '__nocontactctl_verb check' -l json -d 'Print JSON'
$c -n '__nocontactctl_verb setup' -l yes -d 'Go ahead without asking'
$c -n '__nocontactctl_verb setup' -l undo -d 'Take back what setup did'
$c -n '__nocontactctl_verb explain' -l policy -r -F -d 'The policy file to use'
$c -n '__nocontactctl_verb explain' -l at -x -d 'Judge as if it were this time (2026-11-27T23:30)'
$c -n '__nocontactctl_verb explain' -l text -d 'One readable line each'
$c -n '__nocontactctl_verb status held stats journal export' -l json -d 'Print JSON'
$c -n '__nocontactctl_verb held' -l all -d 'Also the messages let go'
$c -n '__nocontactctl_verb snooze' -l end -d 'End the snooze now'
$c -n '__nocontactctl_verb stats' -l days -x -d 'How many days back'
$c -n '__nocontactctl_verb journal' -l since -x -d 'A date, a time, or a time ago (7d)'

$c -n '__nocontactctl_verb read let-go soften harden reset final-straw note stats' \
    -a '(__nocontactctl_contacts)' -d Contact
$c -n '__nocontactctl_verb soften harden' -l to -x -a 'open gentle pause firm strict' \
    -d 'A level instead of one step'
$c -n '__nocontactctl_verb soften harden' -l for -x -d 'How long: 30m, 2h, 1d'
$c -n '__nocontactctl_verb soften harden final-straw' -l note -x -d 'In your own words'
