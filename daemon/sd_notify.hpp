// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string_view>

// Telling systemd how the daemon is doing (sd_notify(3)). Every call is harmless outside systemd:
// with NOTIFY_SOCKET unset it sends nothing and returns false.

namespace nocontact::daemon::notify {

// READY=1 with a STATUS= line: startup or a reload is finished.
bool ready(std::string_view status);

// STATUS=: one line for `systemctl --user status`.
bool status(std::string_view text);

// RELOADING=1 with MONOTONIC_USEC=, as systemd >= 253 wants for Type=notify-reload; older
// systemd ignores the extra field. Follow with ready() when the reload is done.
bool reloading();

// STOPPING=1: the daemon is shutting down.
bool stopping();

// WATCHDOG=1: the loop is alive.
bool watchdogPing();

// The watchdog interval systemd asked for (WatchdogSec=), or zero when it is off.
std::chrono::microseconds watchdogInterval();

// When the watchdog is on, adds a timer to the thread-default GLib main context that pings at
// half the interval (sd_watchdog_enabled(3)'s advice) and returns its source id; 0 when off.
// Pinging from the loop itself means a stuck loop stops the pings, which is the point. Stop it
// with g_source_destroy(g_main_context_find_source_by_id(context, id)).
unsigned startWatchdog();

}  // namespace nocontact::daemon::notify
