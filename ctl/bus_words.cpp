// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/bus_words.hpp"

#include <array>
#include <string_view>

#include "base/i18n.hpp"

namespace nocontact::ctl {

namespace {

using i18n::fill;
using i18n::tr;

bool oneOf(const std::string& name, std::initializer_list<std::string_view> names) {
    for (auto n : names)
        if (name == n) return true;
    return false;
}

}  // namespace

std::string busErrorWords(const std::string& name, const std::string& message) {
    if (name.starts_with("org.nocontact.Error.")) return message;
    // sd-bus names errno values System.Error.E*: these are the ways a session bus is missing
    // (no address at all, a socket that is not there, or one nobody listens on).
    if (oneOf(name, {"System.Error.ENOMEDIUM", "System.Error.ENOENT", "System.Error.ECONNREFUSED",
                     "org.freedesktop.DBus.Error.FileNotFound"})) {
        return tr(
            "nocontactctl cannot find your desktop session's bus, so it cannot reach "
            "nocontactd. Run it from inside your session (DBUS_SESSION_BUS_ADDRESS "
            "names the bus).");
    }
    if (oneOf(name, {"org.freedesktop.DBus.Error.ServiceUnknown",
                     "org.freedesktop.DBus.Error.NameHasNoOwner"})) {
        return tr(
            "nocontactd is not running.\n"
            "  Start it with: systemctl --user start nocontactd");
    }
    if (oneOf(name, {"org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout",
                     "org.freedesktop.DBus.Error.TimedOut", "System.Error.ETIMEDOUT"})) {
        return tr(
            "nocontactd did not answer in time. Nothing was changed; try again in a "
            "moment.\n"
            "  What it says about itself: journalctl --user -u nocontactd");
    }
    if (oneOf(name, {"org.freedesktop.DBus.Error.UnknownMethod",
                     "org.freedesktop.DBus.Error.UnknownInterface",
                     "org.freedesktop.DBus.Error.UnknownObject"})) {
        return tr(
            "The nocontactd running is older than this nocontactctl and does not know "
            "this yet. Nothing was changed.\n"
            "  Start the new one with: systemctl --user restart nocontactd");
    }
    return fill(tr("nocontactd could not be reached: {reason}. Nothing was changed.\n"
                   "  Is it running? systemctl --user status nocontactd"),
                {{"reason", message.empty() ? name : message}});
}

}  // namespace nocontact::ctl
