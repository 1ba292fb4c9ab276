#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A messaging app started the way a terminal starts one: a plain process with a window, in no
# systemd unit of its own. GNOME Shell knows it by its Wayland app id (APP_ID, matched to
# APP_ID.desktop), as it knows a real Telegram or Signal.
#   window_app.py APP_ID
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

GLib.set_prgname(sys.argv[1])  # GTK 3 gives Wayland this as the window's app id
window = Gtk.Window(title="Chats")
window.connect("destroy", Gtk.main_quit)
window.show_all()
print("shown", flush=True)
Gtk.main()
