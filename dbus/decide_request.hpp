// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include <sdbus-c++/sdbus-c++.h>

#include "dbus/observed.hpp"

namespace nocontact::dbus {

// The argument of Decide (dbus/org.nocontact.Daemon1.xml), a notification as GNOME Shell
// received it, decoded into what the monitor would have seen: pure, no I/O. Every known key is
// type-checked; unknown keys are ignored (later extensions may send more). Summary and body are
// cut like the monitor cuts them (dbus::kMaxTextBytes). On a malformed request: a sentence that
// says what is wrong (no message text in it).
struct DecideRequest {
    dbus::Observed observed;
    std::uint32_t sender_pid = 0;  // 0: not known
    // When the caller stops waiting and shows the notification anyway, on CLOCK_MONOTONIC in
    // microseconds (g_get_monotonic_time, the same clock in every process); 0: no deadline.
    std::int64_t deadline_usec = 0;
};
std::variant<DecideRequest, std::string> decodeDecideRequest(
    const std::map<std::string, sdbus::Variant>& request);

}  // namespace nocontact::dbus
