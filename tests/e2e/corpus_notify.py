#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The corpus's notifications (tests/data/corpus/notifications.jsonl), sent as their apps send
them: org.freedesktop.Notifications.Notify with the recorded app name, icon, summary, body,
actions and every hint of a basic type, typed as recorded (image data is left out).

Usage:
  corpus_notify.py strangers CORPUS EXPLAINED   the ids of the FDO lines nobody is recognised
                                                in (EXPLAINED: `nocontactctl explain` output)
  corpus_notify.py send CORPUS ID               sends line ID; prints the id the server gave
"""
import json
import sys

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

CALL_TIMEOUT_MS = 10000
BASIC = {"s", "b", "y", "n", "q", "i", "u", "x", "t", "d"}


def lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def strangers(corpus, explained):
    nobody = {e["id"] for e in lines(explained) if e.get("contact") is None}
    for n in lines(corpus):
        if n.get("interface") == "fdo" and n["id"] in nobody:
            print(n["id"])


def send(corpus, wanted):
    n = next(n for n in lines(corpus) if n["id"] == wanted)
    args = n["args"]
    types = n.get("hint_types", {})
    hints = {}
    for key, value in args.get("hints", {}).items():
        t = types.get(key, "s")
        if t in BASIC:
            hints[key] = GLib.Variant(t, value)
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync(
        "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
        "org.freedesktop.Notifications", "Notify",
        GLib.Variant("(susssasa{sv}i)", (args.get("app_name", ""), 0, args.get("app_icon", ""),
                                         args.get("summary", ""), args.get("body", ""),
                                         args.get("actions", []), hints, 0)),
        GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS, None)
    print(reply.unpack()[0])


def main(argv):
    if len(argv) == 4 and argv[1] == "strangers":
        strangers(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "send":
        send(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
