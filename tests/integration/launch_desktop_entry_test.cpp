// SPDX-License-Identifier: GPL-3.0-or-later
// launchDesktopEntry(), how Read it opens the app the message came from: through the systemd user
// manager where there is one, else directly, never waiting for systemd-run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "daemon/pause/libnotify_notifier.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::daemon {
namespace {

// Read it's notification opens the app from its desktop entry: through the systemd user
// manager where there is one, else directly. Either way the app starts.
TEST(LaunchingADesktopEntry, StartsTheAppItNames) {
    char tmpl[] = "/tmp/nocontact-apps.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    std::string home = tmpl;
    std::filesystem::create_directories(home + "/applications");
    std::string marker = home + "/started";
    std::ofstream(home + "/applications/nocontact-test-app.desktop")
        << "[Desktop Entry]\nType=Application\nName=Test app\nExec=touch " << marker << "\n";
    setenv("XDG_DATA_HOME", home.c_str(), 1);
    EXPECT_TRUE(launchDesktopEntry("nocontact-test-app"));
    EXPECT_TRUE(testing::waitUntil([&] { return std::filesystem::exists(marker); },
                                   std::chrono::seconds(10), testing::iterate));
    EXPECT_FALSE(launchDesktopEntry("no-such-app-anywhere"));
    std::filesystem::remove_all(home);
}

// systemd-run is not waited for: one that takes its time (here, until the test lets it end)
// never holds up the loop, and when it fails the app is started directly.
TEST(LaunchingADesktopEntry, NeverWaitsForSystemdRun) {
    char tmpl[] = "/tmp/nocontact-apps.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::string home = tmpl, marker = home + "/started", release = home + "/release";
    std::filesystem::create_directories(home + "/applications");
    std::filesystem::create_directories(home + "/bin");
    std::ofstream(home + "/applications/nocontact-test-app.desktop")
        << "[Desktop Entry]\nType=Application\nName=Test app\nExec=touch " << marker << "\n";
    const std::string slow = home + "/bin/systemd-run";
    std::ofstream(slow) << "#!/bin/sh\nwhile [ ! -e " << release << " ]; do sleep 0.05; done\n"
                        << "exit 1\n";
    std::filesystem::permissions(slow, std::filesystem::perms::owner_all);
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    setenv("XDG_DATA_HOME", home.c_str(), 1);
    setenv("PATH", (home + "/bin:" + path).c_str(), 1);
    EXPECT_TRUE(launchDesktopEntry("nocontact-test-app"));  // returns while systemd-run waits
    setenv("PATH", path.c_str(), 1);
    EXPECT_FALSE(std::filesystem::exists(marker));
    std::ofstream(release) << "";
    EXPECT_TRUE(testing::waitUntil([&] { return std::filesystem::exists(marker); },
                                   std::chrono::seconds(10), testing::iterate));
    std::filesystem::remove_all(home);
}

}  // namespace
}  // namespace nocontact::daemon
