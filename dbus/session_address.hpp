// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace nocontact::dbus {

// The session bus's address, as sd-bus itself would find it: `given` when there is one (tests,
// the daemon's own option), else $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus (where
// systemd's user bus listens). Throws std::runtime_error when none of these says.
std::string sessionAddress(const std::string& given = "");

}  // namespace nocontact::dbus
