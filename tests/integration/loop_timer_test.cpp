// SPDX-License-Identifier: GPL-3.0-or-later
// loopTimer(), the daemon's timers on the GLib main loop: each fires once, after its delay and
// not before; a cancelled one never fires; none leaves a descriptor behind.
#include "daemon/timer.hpp"

#include <glib.h>

#include <chrono>
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "tests/integration/fake_fdo_server.hpp"
#include "tests/integration/private_bus.hpp"

namespace nocontact::daemon {
namespace {

using namespace std::chrono_literals;

std::size_t openDescriptors() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++n;
    return n;
}

TEST(ALoopTimer, FiresOnceAfterItsDelayAndACancelledOneNever) {
    testing::iterate();  // the main context's own descriptors exist from its first turn on
    const std::size_t before = openDescriptors();
    int fired = 0, cancelled_fired = 0;
    const gint64 set_at = g_get_monotonic_time();
    gint64 fired_at = 0;
    Timer& timer = loopTimer();
    const Timer::Id cancelled = timer.after(1s, [&] { ++cancelled_fired; });
    timer.after(1s, [&] {
        ++fired;
        fired_at = g_get_monotonic_time();
    });
    timer.cancel(cancelled);
    timer.cancel(cancelled);  // twice: nothing
    ASSERT_TRUE(testing::waitUntil([&] { return fired > 0; }, 10s, testing::iterate));
    EXPECT_GE(fired_at - set_at, 990'000) << "fired before its second";
    // A timer set after both, with no delay, fires at once: by then the others had their turn.
    bool last = false;
    timer.after(0s, [&] { last = true; });
    ASSERT_TRUE(testing::waitUntil([&] { return last; }, 10s, testing::iterate));
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(cancelled_fired, 0);
    EXPECT_EQ(openDescriptors(), before) << "a timer left its descriptor open";
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
