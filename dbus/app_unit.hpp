// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The systemd units desktops start apps in (systemd's "Desktop Environment Integration":
// app[-<launcher>]-<ApplicationID>[@<RANDOM>].service and
// app[-<launcher>]-<ApplicationID>-<RANDOM>.scope), read back into the app's desktop id:
//   GNOME    app-gnome-signal\x2ddesktop-4242.scope        -> signal-desktop
//   KDE      app-org.telegram.desktop@2f1c6a0b.service      -> org.telegram.desktop
//            app-org.telegram.desktop-2f1c6a0b.scope
//   Flatpak  app-flatpak-org.signal.Signal-4242.scope      -> org.signal.Signal
// Unit names escape "-" inside a name as \x2d (and other bytes as \xNN), so "-" separates
// the parts.
namespace nocontact::dbus {

struct AppUnit {
    std::string unit;        // the unit's name as systemd gives it
    std::string launcher;    // "gnome", "flatpak", "kde", ... or empty
    std::string desktop_id;  // unescaped, without ".desktop"
};

// systemd's unit-name unescaping: \xNN becomes the byte NN. Malformed escapes stay as they are.
std::string unescapeUnitName(std::string_view text);

// The app a unit was started for, or nullopt when the unit is not an app unit.
std::optional<AppUnit> parseAppUnit(std::string_view unit);

}  // namespace nocontact::dbus
