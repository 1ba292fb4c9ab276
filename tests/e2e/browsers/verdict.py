#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What became of each web notification the real-browser test sent.

Usage: verdict.py STATE_DIR [--held-only]
A contact's message must be kept by nocontactd (in its journal, the held table) and left
nowhere in dunst's history; a stranger's must be in dunst's history (the test closes everything
on screen first, which puts it there) and not kept. Prints one line per message and exits 1
when any is not as it should be. --held-only checks only that every contact's message is kept
(the test polls this until nocontactd has judged them all).
"""
import json
import pathlib
import sqlite3
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import sites  # noqa: E402

state = pathlib.Path(sys.argv[1])
held_only = "--held-only" in sys.argv[2:]


def journal_text():
    # daemon/journal/store.hpp: kJournalFileName. None yet: nothing kept yet.
    path = state / "journal.sqlite3"
    if not path.exists():
        return ""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return "\n".join(s + "\n" + b for s, b in db.execute("SELECT summary, body FROM held"))


def dunst_text():
    out = subprocess.run(["dunstctl", "history"], capture_output=True, text=True, check=True)
    found = []
    for entry in json.loads(out.stdout)["data"][0]:
        found.append(entry["summary"]["data"] + "\n" + entry["body"]["data"])
    return "\n".join(found)


kept = journal_text()
shown = "" if held_only else dunst_text()
wrong = 0
for site in sites.order():
    for tag, from_contact, title, _ in sites.notifications(site):
        mark = f"[{tag}]"
        in_journal, in_dunst = mark in kept, mark in shown
        if from_contact:
            ok = in_journal and (held_only or not in_dunst)
        else:
            ok = held_only or (in_dunst and not in_journal)
        wrong += not ok
        if not held_only or not ok:
            got = ("kept" if in_journal else "not kept") + (
                "" if held_only else (", shown" if in_dunst else ", not shown"))
            want = "kept" if from_contact else "shown"
            print(f"{'ok  ' if ok else 'FAIL'} {site:18} {tag:24} want {want:5}  got {got}"
                  f"  ({title})")
sys.exit(1 if wrong else 0)
