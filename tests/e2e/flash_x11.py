#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a person would see appear on an X display, one line each, as it happens:

  ready                      the root window is watched: anything mapped from now on is seen
  SECONDS show WINDOW CLASS  a top-level window was mapped (put on screen)
  SECONDS draw root          something was drawn on screen while a window is mapped (DAMAGE
                             on the root window, which takes in every window on it: no draw
                             is missed, however soon after its window was created)
  SECONDS hide WINDOW        a mapped top-level window was unmapped or destroyed

SECONDS is CLOCK_MONOTONIC. Top-level windows only: on a bare X server (Xvfb, no window
manager) a notification server's popups are children of the root. No window titles or contents
are written, so no message text ever reaches the log.

Usage: flash_x11.py   (DISPLAY from the environment; runs until killed)
"""
import sys
import time

from Xlib import X, display, error
from Xlib.ext import damage


def main():
    d = display.Display()
    root = d.screen().root
    root.change_attributes(event_mask=X.SubstructureNotifyMask)
    has_damage = d.has_extension("DAMAGE")
    if has_damage:
        d.damage_query_version()
        screen_damage = root.damage_create(damage.DamageReportNonEmpty)
    mapped = set()

    def wm_class(window):
        try:
            cls = window.get_wm_class()
        except error.XError:
            return "-"
        return cls[1] if cls else "-"

    def out(kind, wid, extra=""):
        line = f"{time.monotonic():.6f} {kind} 0x{wid:x}"
        print(f"{line} {extra}" if extra else line, flush=True)

    for child in root.query_tree().children:
        if child.get_attributes().map_state == X.IsViewable:
            mapped.add(child.id)
            out("show", child.id, wm_class(child) + " (already mapped)")
    d.sync()
    print("ready", flush=True)
    damage_event = (d.extension_event.DamageNotify if has_damage else None)
    while True:
        e = d.next_event()
        if e.type == X.MapNotify:
            if e.window.id not in mapped:
                mapped.add(e.window.id)
                out("show", e.window.id, wm_class(e.window))
        elif e.type in (X.UnmapNotify, X.DestroyNotify):
            if e.window.id in mapped:
                mapped.discard(e.window.id)
                out("hide", e.window.id)
        elif damage_event is not None and e.type == damage_event:
            d.damage_subtract(screen_damage)
            # Only while something is mapped: the root's own background, repainted where a
            # window was unmapped, is not something shown.
            if mapped:
                print(f"{time.monotonic():.6f} draw root", flush=True)
        d.flush()


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    sys.exit(0)
