// SPDX-License-Identifier: GPL-3.0-or-later
// App units, as GNOME, KDE and Flatpak name them, read back into desktop ids.
#include <gtest/gtest.h>

#include "dbus/app_unit.hpp"

namespace {

using nocontact::dbus::parseAppUnit;
using nocontact::dbus::unescapeUnitName;

TEST(AppUnit, UnescapesSystemdNames) {
    EXPECT_EQ(unescapeUnitName(R"(signal\x2ddesktop)"), "signal-desktop");
    EXPECT_EQ(unescapeUnitName(R"(a\x2fb\x20c)"), "a/b c");
    EXPECT_EQ(unescapeUnitName(R"(broken\x2)"), R"(broken\x2)");
    EXPECT_EQ(unescapeUnitName(R"(odd\xzz)"), R"(odd\xzz)");
}

TEST(AppUnit, ReadsGnomeScopes) {
    auto app = parseAppUnit(R"(app-gnome-signal\x2ddesktop-4242.scope)");
    ASSERT_TRUE(app);
    EXPECT_EQ(app->launcher, "gnome");
    EXPECT_EQ(app->desktop_id, "signal-desktop");
    EXPECT_EQ(parseAppUnit("app-gnome-org.telegram.desktop-77.scope")->desktop_id,
              "org.telegram.desktop");
}

TEST(AppUnit, ReadsKdeServicesAndScopes) {
    auto service = parseAppUnit("app-org.telegram.desktop@2f1c6a0b9d.service");
    ASSERT_TRUE(service);
    EXPECT_EQ(service->launcher, "");
    EXPECT_EQ(service->desktop_id, "org.telegram.desktop");
    EXPECT_EQ(parseAppUnit("app-org.kde.konsole-8c1f.scope")->desktop_id, "org.kde.konsole");
    EXPECT_EQ(parseAppUnit("app-signal\\x2ddesktop-81cbe3.service")->desktop_id, "signal-desktop");
}

TEST(AppUnit, ReadsFlatpakScopes) {
    auto app = parseAppUnit("app-flatpak-org.signal.Signal-31337.scope");
    ASSERT_TRUE(app);
    EXPECT_EQ(app->launcher, "flatpak");
    EXPECT_EQ(app->desktop_id, "org.signal.Signal");
}

TEST(AppUnit, LeavesEverythingElseAlone) {
    for (const char* unit :
         {"dbus.service", "session-2.scope", "app.slice", "app-.scope", "application.service",
          "app-x-y-z-1.scope", "app--1.scope", "app-a.socket", ""}) {
        EXPECT_FALSE(parseAppUnit(unit)) << unit;
    }
    EXPECT_EQ(parseAppUnit("app-gnome-4242.scope")->desktop_id, "gnome") << "read as the app gnome";
}

}  // namespace
