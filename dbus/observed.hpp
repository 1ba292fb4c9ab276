// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "policy/notification.hpp"

namespace nocontact::dbus {

// A notification seen on the bus, with what is needed to withhold it afterwards.
struct Observed {
    policy::Notification notification;
    std::string sender;               // unique bus name of the app that sent it (":1.42")
    std::uint32_t fdo_id = 0;         // FDO: the id the server returned; 0 for gtk/portal
    std::uint64_t received_usec = 0;  // CLOCK_MONOTONIC when the server's reply was seen
    // FDO: the unique name of the server that gave the id. Ids are per server (a restarted
    // server counts from 1 again), so the id is only ever used with this server.
    std::string server;
    // FDO: the id will never be known, so it cannot be taken off the screen: the app sent it
    // asking for no reply (NO_REPLY_EXPECTED), it waited for a reply longer than any server
    // takes while thousands of others waited too, the monitor reconnected before the reply, or
    // the reply did not say an id.
    bool unanswerable = false;
    // FDO: the server answered the call with an error, so nothing was shown.
    bool refused = false;
    // Whatever the monitor's NeedsId put here, handed back unchanged with the reply (the
    // daemon's mark for what it already did at the call).
    std::uint64_t ticket = 0;
};

}  // namespace nocontact::dbus
