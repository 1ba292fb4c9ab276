#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A messaging app, as far as the notification server can tell: sends one notification on the
session bus, prints "sent ID", then stays connected until SIGTERM or SIGINT, like a running app.
Staying connected matters: GNOME >= 42 refuses a foreign CloseNotification only while the
notification's sender is still on the bus.

Usage:
  notify_client.py gtk APP_ID NOTIFICATION_ID TITLE BODY
      org.gtk.Notifications.AddNotification, shaped like Chatty's (tests/data/corpus).
  notify_client.py fdo APP_NAME DESKTOP_ENTRY SUMMARY BODY
      org.freedesktop.Notifications.Notify with a desktop-entry hint, shaped like Signal's.
"""
import signal
import sys

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

CALL_TIMEOUT_MS = 10000  # a busy shell on 2 cores can take a few seconds to answer


def send_gtk(bus, app_id, notification_id, title, body):
    notification = {
        "title": GLib.Variant("s", title),
        "body": GLib.Variant("s", body),
        "priority": GLib.Variant("s", "high"),
        "category": GLib.Variant("s", "im.received"),
    }
    bus.call_sync("org.gtk.Notifications", "/org/gtk/Notifications", "org.gtk.Notifications",
                  "AddNotification",
                  GLib.Variant("(ssa{sv})", (app_id, notification_id, notification)),
                  None, Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS, None)
    return notification_id


def send_fdo(bus, app_name, desktop_entry, summary, body):
    hints = {"desktop-entry": GLib.Variant("s", desktop_entry),
             "urgency": GLib.Variant("y", 1)}
    reply = bus.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.Notifications", "Notify",
                          GLib.Variant("(susssasa{sv}i)",
                                       (app_name, 0, "", summary, body, [], hints, -1)),
                          GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS, None)
    return str(reply.unpack()[0])


def main(argv):
    senders = {"gtk": send_gtk, "fdo": send_fdo}
    if len(argv) != 6 or argv[1] not in senders:
        sys.stderr.write(__doc__)
        return 2
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    sent = senders[argv[1]](bus, *argv[2:])
    print("sent", sent, flush=True)
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
