// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/sd_notify.hpp"

#include <glib.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "daemon/clock.hpp"

namespace nocontact::daemon::notify {

namespace {

bool send(const std::string& state) {
    return sd_notify(0, state.c_str()) > 0;
}

// STATUS= ends at the newline: keep only the first line so nothing else is misread as a field.
std::string oneLine(std::string_view text) {
    return std::string(text.substr(0, text.find('\n')));
}

gboolean onWatchdogTimer(gpointer) {
    watchdogPing();
    return G_SOURCE_CONTINUE;
}

}  // namespace

bool ready(std::string_view status) {
    return send("READY=1\nSTATUS=" + oneLine(status));
}

bool status(std::string_view text) {
    return send("STATUS=" + oneLine(text));
}

bool reloading() {
    return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(systemClock().monotonicUsec()));
}

bool stopping() {
    return send("STOPPING=1");
}

bool watchdogPing() {
    return send("WATCHDOG=1");
}

std::chrono::microseconds watchdogInterval() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(usec);
}

unsigned startWatchdog() {
    auto interval = watchdogInterval();
    if (interval.count() == 0) return 0;
    auto half_ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval / 2);
    GSource* timer = g_timeout_source_new(static_cast<guint>(std::max<long>(half_ms.count(), 1)));
    g_source_set_callback(timer, onWatchdogTimer, nullptr, nullptr);
    GMainContext* context = g_main_context_ref_thread_default();
    unsigned id = g_source_attach(timer, context);
    g_main_context_unref(context);
    g_source_unref(timer);
    return id;
}

}  // namespace nocontact::daemon::notify
