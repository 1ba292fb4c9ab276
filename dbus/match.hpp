// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <systemd/sd-bus.h>

namespace nocontact::dbus {

// The install callback for sd_bus_add_match_async. Without one, sd-bus closes the whole
// connection when the bus refuses a match rule (too many rules, a policy), and with it every
// source that shares the connection. With this one the refused watch only hears nothing.
inline int keepConnectionOnRefusedMatch(sd_bus_message*, void*, sd_bus_error*) {
    return 0;
}

}  // namespace nocontact::dbus
