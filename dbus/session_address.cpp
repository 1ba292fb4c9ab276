// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/session_address.hpp"

#include <cstdlib>
#include <stdexcept>

namespace nocontact::dbus {

std::string sessionAddress(const std::string& given) {
    if (!given.empty()) return given;
    if (const char* a = std::getenv("DBUS_SESSION_BUS_ADDRESS"); a && *a) return a;
    if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir && *dir)
        return std::string("unix:path=") + dir + "/bus";
    throw std::runtime_error("no session bus: DBUS_SESSION_BUS_ADDRESS is not set");
}

}  // namespace nocontact::dbus
