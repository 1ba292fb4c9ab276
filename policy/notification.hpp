// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nocontact::policy {

// Which D-Bus interface carried a notification.
enum class Interface { Fdo, Gtk, Portal };

// A desktop notification as decoded from the bus (or from a JSON line), before anyone has
// decided who it is from. Decoders fill it; profiles read it. Hints keep only the values the
// profiles can use, as text (strings as they are, integers and booleans printed).
struct Notification {
    Interface interface = Interface::Fdo;
    std::string app_name;  // fdo app_name
    std::string app_id;    // gtk/portal application id
    std::string id;        // gtk/portal notification id
    std::uint32_t replaces_id = 0;
    std::string app_icon;
    std::string summary;  // fdo summary, gtk/portal title
    std::string body;
    std::vector<std::string> actions;  // fdo: key, label, key, label, ...
    std::map<std::string, std::string> hints;
    // Bytes of summary and body past what the decoders keep (dbus::kMaxTextBytes each): the
    // message as kept is shorter by this much, and says so when it is read.
    std::uint64_t cut_bytes = 0;

    // The desktop entry this notification names, if any ("desktop-entry" hint, else app_id).
    const std::string& desktopEntry() const;
};

std::string_view interfaceName(Interface i);

}  // namespace nocontact::policy
