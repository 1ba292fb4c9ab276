// SPDX-License-Identifier: GPL-3.0-or-later
// loopTimer(), the daemon's timers on the GLib main loop: each a timerfd on CLOCK_BOOTTIME, which
// fires once, after its delay and not before; a cancelled one never fires; none leaves a
// descriptor behind.
#include "daemon/timer.hpp"

#include <glib.h>
#include <time.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/fake_fdo_server.hpp"
#include "tests/integration/private_bus.hpp"

namespace nocontact::daemon {
namespace {

using namespace std::chrono_literals;

// This process's timerfds, and how many of them count CLOCK_BOOTTIME (clockid 7 in fdinfo).
struct Timerfds {
    int open = 0, boottime = 0;
};
Timerfds timerfds() {
    Timerfds found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        if (std::filesystem::read_symlink(entry.path(), ec).string() != "anon_inode:[timerfd]")
            continue;
        ++found.open;
        std::ifstream info("/proc/self/fdinfo/" + entry.path().filename().string());
        for (std::string line; std::getline(info, line);)
            if (line.rfind("clockid:", 0) == 0 && std::stoi(line.substr(8)) == CLOCK_BOOTTIME)
                ++found.boottime;
    }
    return found;
}

TEST(ALoopTimer, FiresOnceAfterItsDelayAndACancelledOneNever) {
    const Timerfds before = timerfds();
    int fired = 0, cancelled_fired = 0;
    const gint64 set_at = g_get_monotonic_time();
    gint64 fired_at = 0;
    Timer& timer = loopTimer();
    const Timer::Id cancelled = timer.after(1s, [&] { ++cancelled_fired; });
    timer.after(1s, [&] {
        ++fired;
        fired_at = g_get_monotonic_time();
    });
    // Each a timer on the clock that goes on counting while the machine sleeps.
    EXPECT_EQ(timerfds().boottime, before.boottime + 2);
    timer.cancel(cancelled);
    timer.cancel(cancelled);  // twice: nothing
    EXPECT_EQ(timerfds().open, before.open + 1) << "a cancelled timer kept its descriptor";
    ASSERT_TRUE(testing::waitUntil([&] { return fired > 0; }, 10s, testing::iterate));
    EXPECT_GE(fired_at - set_at, 990'000) << "fired before its second";
    // A timer set after both, with no delay, fires at once: by then the others had their turn.
    bool last = false;
    timer.after(0s, [&] { last = true; });
    ASSERT_TRUE(testing::waitUntil([&] { return last; }, 10s, testing::iterate));
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(cancelled_fired, 0);
    EXPECT_EQ(timerfds().open, before.open) << "a timer left its descriptor open";
}

TEST(ALoopTimer, CanBeSetAgainFromItsOwnCallback) {
    Timer& timer = loopTimer();
    int fired = 0;
    std::function<void()> again = [&] {
        if (++fired < 3) timer.after(0s, again);
    };
    timer.after(0s, again);
    ASSERT_TRUE(testing::waitUntil([&] { return fired == 3; }, 10s, testing::iterate));
}

}  // namespace
}  // namespace nocontact::daemon
