// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/xfce_log.hpp"

#include <gtest/gtest.h>

namespace nocontact::config {
namespace {

using Names = std::vector<std::string>;

policy::AppProfile profile(Names app_names) {
    policy::AppProfile p;
    p.app_names = std::move(app_names);
    return p;
}

TEST(XfceLog, WatchesTheProfilesExactAppNamesAndNocontactsOwn) {
    auto names = watchedAppNames({profile({"Signal"}), profile({"Telegram Desktop"}),
                                  profile({"Firefox*"}), profile({"Signal"})});
    EXPECT_EQ(names, (Names{"Signal", "Telegram Desktop", "nocontact"}));
}

TEST(XfceLog, TakesInNothingWhileItIsOff) {
    XfceLog log;
    log.level = 1;
    EXPECT_TRUE(appsLogged(log, {"Signal", "nocontact"}).empty());
}

TEST(XfceLog, TakesInEveryAppNotExcludedWhileItIsOn) {
    XfceLog log{.on = true, .level = 1, .level_apps = 0, .excluded = {"nocontact"}};
    EXPECT_EQ(appsLogged(log, {"Signal", "Telegram Desktop", "nocontact"}),
              (Names{"Signal", "Telegram Desktop"}));
}

TEST(XfceLog, TakesInAppsWhileItLogsOnlyDuringDoNotDisturb) {
    // Only while "Do not disturb" is on, but then a contact's message is written all the same.
    XfceLog log{.on = true, .level = 0, .level_apps = 1, .excluded = {}};
    EXPECT_EQ(appsLogged(log, {"Signal"}), (Names{"Signal"}));
}

TEST(XfceLog, TakesInNoShownNotificationWhileItLogsOnlyMutedApps) {
    XfceLog log{.on = true, .level = 1, .level_apps = 2, .excluded = {}};
    EXPECT_TRUE(appsLogged(log, {"Signal"}).empty());
}

TEST(XfceLog, AddsTheAppsToTheExcludedListKeepingThePersonsOwn) {
    XfceLog log{.on = true, .level = 1, .level_apps = 0, .excluded = {"Spotify", "Signal"}};
    EXPECT_EQ(withExcluded(log, {"Signal", "nocontact"}),
              (Names{"Spotify", "Signal", "nocontact"}));
}

}  // namespace
}  // namespace nocontact::config
