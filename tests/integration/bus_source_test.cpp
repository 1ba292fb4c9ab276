// SPDX-License-Identifier: GPL-3.0-or-later
#include <glib.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "daemon/bus_source.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::daemon {
namespace {

using namespace std::chrono_literals;
using testing::iterate;
using testing::waitUntil;

sd_bus* connect(const std::string& address) {
    sd_bus* bus = nullptr;
    EXPECT_GE(sd_bus_new(&bus), 0);
    EXPECT_GE(sd_bus_set_address(bus, address.c_str()), 0);
    EXPECT_GE(sd_bus_set_bus_client(bus, 1), 0);
    EXPECT_GE(sd_bus_start(bus), 0);
    return bus;
}

int countReply(sd_bus_message* m, void* userdata, sd_bus_error*) {
    if (!sd_bus_message_is_method_error(m, nullptr)) ++*static_cast<int*>(userdata);
    return 1;
}

TEST(ABusSource, DrivesAnSdBusConnectionFromTheGlibLoop) {
    testing::PrivateBus bus;
    sd_bus* conn = connect(bus.address());
    auto source = BusSource::forSdBus(conn, [] {});
    source->attach();
    int replies = 0;
    for (int i = 0; i < 3; ++i)
        ASSERT_GE(
            sd_bus_call_method_async(conn, nullptr, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "ListNames", countReply, &replies, ""),
            0);
    EXPECT_TRUE(waitUntil([&] { return replies == 3; }, 5s, iterate));
    source.reset();
    sd_bus_flush_close_unref(conn);
}

TEST(ABusSource, LetsAnIdleLoopSleep) {
    testing::PrivateBus bus;
    sd_bus* conn = connect(bus.address());
    auto source = BusSource::forSdBus(conn, [] {});
    source->attach();
    // With nothing to do, a blocking iteration must sleep until the one timer fires: a source
    // that wakes its context from prepare() would make the loop go round thousands of times.
    bool fired = false;
    constexpr guint kTimerMs = 300;
    guint timer = g_timeout_add(
        kTimerMs,
        [](gpointer flag) -> gboolean {
            *static_cast<bool*>(flag) = true;
            return G_SOURCE_REMOVE;
        },
        &fired);
    int iterations = 0;
    while (!fired && iterations < 10000) {
        g_main_context_iteration(nullptr, TRUE);
        ++iterations;
    }
    EXPECT_TRUE(fired);
    EXPECT_LT(iterations, 20) << "the loop spun instead of sleeping";
    if (!fired) g_source_remove(timer);
    source.reset();
    sd_bus_flush_close_unref(conn);
}

TEST(ABusSource, ReportsALostConnectionOnce) {
    auto bus = std::make_unique<testing::PrivateBus>();
    sd_bus* conn = connect(bus->address());
    int lost = 0;
    auto source = BusSource::forSdBus(conn, [&] { ++lost; });
    source->attach();
    bus.reset();  // the dbus-daemon goes away
    EXPECT_TRUE(waitUntil([&] { return lost > 0; }, 5s, iterate));
    for (int i = 0; i < 5; ++i)
        iterate();
    EXPECT_EQ(lost, 1);
    source.reset();
    sd_bus_close_unref(conn);
}

TEST(ABusSource, MayBeDestroyedFromItsOwnOnLost) {
    auto bus = std::make_unique<testing::PrivateBus>();
    sd_bus* conn = connect(bus->address());
    std::unique_ptr<BusSource> source;
    bool lost = false;
    source = BusSource::forSdBus(conn, [&] {
        lost = true;
        source.reset();
    });
    source->attach();
    bus.reset();
    EXPECT_TRUE(waitUntil([&] { return lost; }, 5s, iterate));
    EXPECT_EQ(source, nullptr);
    sd_bus_close_unref(conn);
}

// A pipe stands in for a connection whose fd changes (a reconnect).
struct Pipe {
    int fds[2];
    Pipe() { EXPECT_EQ(pipe(fds), 0); }
    ~Pipe() {
        close(fds[0]);
        close(fds[1]);
    }
};

TEST(ABusSource, FollowsTheFdWhenItChanges) {
    Pipe first, second;
    int fd = first.fds[0];
    int reads = 0;
    BusSource source(
        [&] {
            return PollData{fd, POLLIN, UINT64_MAX};
        },
        [&] {
            char c;
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0) return 0;
            if (read(fd, &c, 1) != 1) return -1;
            ++reads;
            return 1;
        },
        [] {});
    source.attach();
    ASSERT_EQ(write(first.fds[1], "x", 1), 1);
    ASSERT_TRUE(waitUntil([&] { return reads == 1; }, 5s, iterate));
    fd = second.fds[0];
    iterate();  // the source picks up the new fd before the next poll
    ASSERT_EQ(write(second.fds[1], "y", 1), 1);
    EXPECT_TRUE(waitUntil([&] { return reads == 2; }, 5s, iterate));
}

TEST(ABusSource, DispatchesWhenTheConnectionsTimeoutComes) {
    std::uint64_t due = g_get_monotonic_time() + 30'000;  // 30 ms from now
    std::uint64_t dispatched_at = 0;
    BusSource source(
        [&] {
            return PollData{-1, 0, dispatched_at ? UINT64_MAX : due};
        },
        [&] {
            if (!dispatched_at) dispatched_at = g_get_monotonic_time();
            return 0;
        },
        [] {});
    source.attach();
    ASSERT_TRUE(waitUntil([&] { return dispatched_at != 0; }, 5s, iterate));
    EXPECT_GE(dispatched_at, due);
}

// Each call on its way gives the connection a deadline, and each reply takes it away; each reply
// is dispatched. A source that passed deadlines to GLib as ready times, or that GLib takes off
// its poll while it dispatches, wakes its own loop each time (an eventfd write, a poll, a read):
// extra turns on the path of every withheld message.
TEST(ABusSource, TakesOneLoopTurnPerReply) {
    testing::PrivateBus bus;
    sd_bus* conn = connect(bus.address());
    auto source = BusSource::forSdBus(conn, [] {});
    source->attach();
    int replies = 0;
    auto call = [&] {
        return sd_bus_call_method_async(conn, nullptr, "org.freedesktop.DBus",
                                        "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
                                        countReply, &replies, "");
    };
    constexpr int kCalls = 40;
    int turns = 0;
    for (int i = 0; i < kCalls; ++i) {
        ASSERT_GE(call(), 0);
        int before = replies;
        for (int spins = 0; replies == before && spins < 1000; ++spins) {
            g_main_context_iteration(nullptr, TRUE);
            ++turns;
        }
        ASSERT_EQ(replies, before + 1);
    }
    // One turn a reply is the least; taking the source off the poll while it dispatched, and
    // passing deadlines as ready times, cost two or more.
    EXPECT_LE(turns, kCalls * 3 / 2) << turns << " loop turns for " << kCalls << " calls";
    source.reset();
    sd_bus_flush_close_unref(conn);
}

}  // namespace
}  // namespace nocontact::daemon
