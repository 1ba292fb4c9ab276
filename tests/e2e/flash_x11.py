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

With --managed (a window manager and a desktop shell run, as KWin and plasmashell): only windows
of the notification type (_NET_WM_WINDOW_TYPE_NOTIFICATION, or a frame around one) are counted,
not the desktop, its panel or menus, and draws are DAMAGE on each counted window (WINDOW instead
of root), since a compositing manager and a live desktop repaint the root all the time:

  SECONDS draw WINDOW        something was drawn into a counted window while it is mapped

With --mark (the test's messages carry an image of one solid, saturated colour, magenta, that
nothing else on screen has: tests/e2e/flash.sh): each counted window's own pixels are read
(GetImage) when it is mapped, on every draw, and every few milliseconds while it stays mapped,
and whether the mark is among them is said as it changes, so a message's own content can be told
from anything put in its place (nocontact's placeholder has no image):

  SECONDS content WINDOW     the mark is in the window's pixels (the message itself is drawn)
  SECONDS plain WINDOW       it was, and is no longer (replaced, or redrawn without it)

Only the colour is looked for: no pixels are kept or written.

Usage: flash_x11.py [--managed] [--mark]   (DISPLAY from the environment; runs until killed)
"""
import re
import select
import sys
import time

from Xlib import X, display, error
from Xlib.ext import damage


# The mark, as a 32-bit ZPixmap pixel (B, G, R, X/A): saturated red and blue, no green. Ranges,
# not one value: a translucent window's pixels are the colour times its opacity (premultiplied).
MARK_PIXEL = re.compile(rb"(?=(?:[\xa0-\xff][\x00-\x30][\xa0-\xff][\x00-\xff]){6})", re.DOTALL)
POLL_SECONDS = 0.005  # how often a mapped window is read between draws


def has_mark(data):
    # Six marked pixels in a row, on pixel boundaries (a run shifted by a byte is another colour;
    # the look-ahead finds runs that overlap such a one).
    return any(m.start() % 4 == 0 for m in MARK_PIXEL.finditer(data))


def main(managed, mark):
    d = display.Display()
    root = d.screen().root
    root.change_attributes(event_mask=X.SubstructureNotifyMask)
    has_damage = d.has_extension("DAMAGE")
    if has_damage:
        d.damage_query_version()
    if has_damage and not managed:
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

    watched = {}  # managed: counted window id -> its DAMAGE object
    windows = {}  # mapped window id -> the window (to read its pixels)
    marked = set()  # mapped windows whose pixels held the mark when last read

    def read_mark(window):
        try:
            geometry = window.get_geometry()
            image = window.get_image(0, 0, geometry.width, geometry.height, X.ZPixmap, 0xFFFFFFFF)
        except error.XError:
            return None  # unmapped or gone meanwhile: its hide says the rest
        return has_mark(image.data)

    def look(wid):
        if not mark or wid not in windows:
            return
        seen = read_mark(windows[wid])
        if seen and wid not in marked:
            marked.add(wid)
            out("content", wid)
        elif seen is False and wid in marked:
            marked.discard(wid)
            out("plain", wid)

    window_type = d.intern_atom("_NET_WM_WINDOW_TYPE")
    notification_types = {d.intern_atom(name) for name in (
        "_NET_WM_WINDOW_TYPE_NOTIFICATION", "_KDE_NET_WM_WINDOW_TYPE_CRITICAL_NOTIFICATION")}

    def is_notification(window):
        prop = window.get_full_property(window_type, X.AnyPropertyType)
        return prop is not None and any(t in notification_types for t in prop.value)

    # A notification's window, or a frame around one (KWin: frame, wrapper, client).
    def holds_notification(window, depth=3):
        if is_notification(window):
            return True
        return depth > 0 and any(holds_notification(c, depth - 1)
                                 for c in window.query_tree().children)

    def counted(window):
        if not managed:
            return True
        try:
            return holds_notification(window)
        except error.XError:
            return False  # gone already

    # Managed: the desktop as it is now is not something a notification showed.
    for child in [] if managed else root.query_tree().children:
        if child.get_attributes().map_state == X.IsViewable:
            mapped.add(child.id)
            out("show", child.id, wm_class(child) + " (already mapped)")
    d.sync()
    print("ready", flush=True)
    damage_event = (d.extension_event.DamageNotify if has_damage else None)
    while True:
        if mark and windows and not d.pending_events():
            # Between draws, read what is mapped every few milliseconds: what was drawn before
            # the window's DAMAGE object existed, or a draw whose event comes late.
            if not select.select([d], [], [], POLL_SECONDS)[0]:
                for wid in list(windows):
                    look(wid)
                continue
        e = d.next_event()
        if e.type == X.MapNotify:
            if e.window.id not in mapped and counted(e.window):
                mapped.add(e.window.id)
                windows[e.window.id] = e.window
                out("show", e.window.id, wm_class(e.window))
                if managed and has_damage:
                    watched[e.window.id] = e.window.damage_create(damage.DamageReportNonEmpty)
                look(e.window.id)
        elif e.type in (X.UnmapNotify, X.DestroyNotify):
            if e.window.id in mapped:
                mapped.discard(e.window.id)
                windows.pop(e.window.id, None)
                marked.discard(e.window.id)
                out("hide", e.window.id)
                # Its DAMAGE object is left to go with the window: the server may have freed
                # it already (a notification's window is destroyed right after it is unmapped).
                watched.pop(e.window.id, None)
        elif damage_event is not None and e.type == damage_event:
            if managed:
                d.damage_subtract(e.damage)
                if e.drawable.id in mapped:
                    out("draw", e.drawable.id)
                    look(e.drawable.id)
            else:
                d.damage_subtract(screen_damage)
                # Only while something is mapped: the root's own background, repainted where a
                # window was unmapped, is not something shown.
                if mapped:
                    print(f"{time.monotonic():.6f} draw root", flush=True)
                    for wid in list(windows):
                        look(wid)
        d.flush()


if __name__ == "__main__":
    try:
        main("--managed" in sys.argv[1:], "--mark" in sys.argv[1:])
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    sys.exit(0)
