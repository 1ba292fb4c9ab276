// SPDX-License-Identifier: GPL-3.0-or-later
// Entry for every gjs test (tests/gjs/run.sh): registers the stand-in GNOME Shell resources
// first, so that a test's static `import ... from 'resource:///org/gnome/shell/...'` finds
// them, then runs the test module named on the command line.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

Gio.resources_register(Gio.Resource.load(GLib.getenv('NOCONTACT_GJS_RESOURCE')));
await import(Gio.File.new_for_path(System.programArgs[0]).get_uri());
