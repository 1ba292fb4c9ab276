// SPDX-License-Identifier: GPL-3.0-or-later
// A messaging app started as from a terminal: a window whose Wayland app id is APP_ID.
//   gjs -m window_app.js APP_ID
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk?version=4.0';
import System from 'system';

GLib.set_prgname(System.programArgs[0]);
Gtk.init();
new Gtk.Window({title: 'Chats'}).present();
new GLib.MainLoop(null, false).run();
