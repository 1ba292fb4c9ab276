// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

typedef struct sd_bus sd_bus;

namespace nocontact::dbus {

// The file name of the executable behind a bus name (":1.42" -> "chromium"), asked of the bus
// (its process id) and read from /proc; empty when either cannot say. The question to the bus
// is a call that waits for the bus itself (never another app), once per portal notification:
// its answer must be there before the portal's copy, which comes a few milliseconds later.
std::string senderProgram(sd_bus* bus, const std::string& name);

}  // namespace nocontact::dbus
