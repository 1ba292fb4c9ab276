// SPDX-License-Identifier: GPL-3.0-or-later
// GlibTicker, the pause's countdown on the GLib main loop: it fires once a second until stopped.
#include <gtest/gtest.h>

#include <chrono>

#include "daemon/pause/pause.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::daemon {
namespace {

TEST(AGlibTicker, CallsBackOnTheMainLoopUntilStopped) {
    using namespace std::chrono_literals;
    GlibTicker ticker;
    int seconds = 0;
    ticker.start([&] { ++seconds; });
    ASSERT_TRUE(testing::waitUntil([&] { return seconds >= 2; }, 10s, testing::iterate));
    ticker.stop();
    int stopped_at = seconds;
    // A stopped ticker never fires again: a fresh ticker's second tick proves time went by.
    GlibTicker witness;
    int witness_seconds = 0;
    witness.start([&] { ++witness_seconds; });
    ASSERT_TRUE(testing::waitUntil([&] { return witness_seconds >= 2; }, 10s, testing::iterate));
    EXPECT_EQ(seconds, stopped_at);
}

}  // namespace
}  // namespace nocontact::daemon
