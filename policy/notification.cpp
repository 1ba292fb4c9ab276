// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/notification.hpp"

namespace nocontact::policy {

const std::string& Notification::desktopEntry() const {
    auto it = hints.find("desktop-entry");
    if (it != hints.end() && !it->second.empty()) return it->second;
    // gtk and portal notifications are addressed by application id, which is the desktop id.
    return app_id;
}

std::string_view interfaceName(Interface i) {
    switch (i) {
        case Interface::Fdo:
            return "fdo";
        case Interface::Gtk:
            return "gtk";
        case Interface::Portal:
            return "portal";
    }
    return "fdo";
}

}  // namespace nocontact::policy
