// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <set>
#include <vector>

#include "daemon/bus_source.hpp"
#include "dbus/monitor.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::iterate;
using testing::waitUntil;

constexpr const char* kStranger = "Sam Rivera";

// Sends a method call whose arguments `append` writes; a reply is expected, and ignored.
void send(sd_bus* bus, const char* dest, const char* path, const char* iface, const char* member,
          const std::function<int(sd_bus_message*)>& append) {
    sd_bus_message* m = nullptr;
    ASSERT_GE(sd_bus_message_new_method_call(bus, &m, dest, path, iface, member), 0);
    ASSERT_GE(append(m), 0);
    auto ignore = [](sd_bus_message*, void*, sd_bus_error*) { return 0; };
    ASSERT_GE(sd_bus_call_async(bus, nullptr, m, ignore, nullptr, 0), 0);
    sd_bus_message_unref(m);
}

class AMonitor : public ::testing::Test {
  protected:
    void SetUp() override {
        monitor_.start();
        source_ = daemon::BusSource::forSdBus(monitor_.bus(), [this] { ++lost_; });
        source_->attach();
    }
    void TearDown() override { source_.reset(); }

    bool sawAtLeast(std::size_t n) {
        return waitUntil([&] { return seen_.size() >= n; }, 20s, iterate);
    }

    testing::PrivateBus bus_;
    testing::FakeFdoServer server_{bus_.address()};
    std::vector<Observed> seen_;
    // As the daemon judges: here, every call's id is needed but a stranger's; each gets a
    // ticket of its own, to be handed back with the reply.
    std::uint64_t tickets_ = 0;
    Monitor monitor_{bus_.address(),
                     [this](Observed& o) {
                         o.ticket = ++tickets_ + 1000;
                         return o.notification.summary != kStranger;
                     },
                     [this](const Observed& o) { seen_.push_back(o); }};
    std::unique_ptr<daemon::BusSource> source_;
    int lost_ = 0;
};

TEST_F(AMonitor, ReportsANotifyWithTheIdTheServerReturned) {
    Client app(bus_.address());
    std::uint32_t id = 0;
    app.notify("Signal", 0, "Alex Morgan", "Dinner at 7?", {{"desktop-entry", "signal"}}, &id);
    ASSERT_TRUE(sawAtLeast(1));
    ASSERT_TRUE(waitUntil([&] { return id != 0; }, 5s, iterate));
    const Observed& o = seen_.at(0);
    EXPECT_EQ(o.fdo_id, id);
    EXPECT_EQ(o.sender, app.uniqueName());
    EXPECT_EQ(o.notification.app_name, "Signal");
    EXPECT_EQ(o.notification.summary, "Alex Morgan");
    EXPECT_EQ(o.notification.body, "Dinner at 7?");
    EXPECT_EQ(o.notification.hints.at("desktop-entry"), "signal");
    EXPECT_GT(o.received_usec, 0u);
    EXPECT_EQ(o.ticket, 1001u);
    EXPECT_FALSE(o.refused);
    EXPECT_EQ(monitor_.counters().seen, 1u);
    EXPECT_EQ(lost_, 0);
}

TEST_F(AMonitor, ReportsGtkNotificationsAndIgnoresTheSameCallOnOtherInterfaces) {
    Client gtk_server(bus_.address());
    ASSERT_GE(sd_bus_request_name(gtk_server.bus(), "org.gtk.Notifications", 0), 0);
    Client app(bus_.address());
    auto dict = [](const char* title) {
        return [title](sd_bus_message* m) {
            return sd_bus_message_append(m, "ssa{sv}", "org.example.App", "n1", 1, "title", "s",
                                         title);
        };
    };
    send(app.bus(), "org.gtk.Notifications", "/org/gtk/Notifications", "org.example.Other",
         "AddNotification", dict("other"));
    send(app.bus(), "org.gtk.Notifications", "/org/gtk/Notifications", "org.gtk.Notifications",
         "AddNotification", dict("Alex Morgan"));
    ASSERT_TRUE(sawAtLeast(1));
    ASSERT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].notification.interface, policy::Interface::Gtk);
    EXPECT_EQ(seen_[0].notification.summary, "Alex Morgan");
    EXPECT_EQ(seen_[0].notification.app_id, "org.example.App");
    EXPECT_EQ(seen_[0].fdo_id, 0u);
}

TEST_F(AMonitor, ReportsPortalNotifications) {
    Client portal(bus_.address());
    ASSERT_GE(sd_bus_request_name(portal.bus(), "org.freedesktop.portal.Desktop", 0), 0);
    Client app(bus_.address());
    send(app.bus(), "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
         "org.freedesktop.portal.Notification", "AddNotification", [](sd_bus_message* m) {
             return sd_bus_message_append(m, "sa{sv}", "p1", 1, "title", "s", "Mom");
         });
    ASSERT_TRUE(sawAtLeast(1));
    EXPECT_EQ(seen_[0].notification.interface, policy::Interface::Portal);
    EXPECT_EQ(seen_[0].notification.summary, "Mom");
    EXPECT_EQ(seen_[0].sender, app.uniqueName());
}

TEST_F(AMonitor, CountsAMalformedNotifyAndCarriesOn) {
    Client app(bus_.address());
    send(app.bus(), "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
         "org.freedesktop.Notifications", "Notify", [](sd_bus_message* m) {
             return sd_bus_message_append(m, "sus", "Broken", 0u, "only three");
         });
    std::uint32_t id = 0;
    app.notify("Signal", 0, "Jordan Lee", "hi", {}, &id);
    ASSERT_TRUE(sawAtLeast(1));
    EXPECT_EQ(monitor_.counters().malformed, 1u);
    EXPECT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].notification.summary, "Jordan Lee");
}

TEST_F(AMonitor, IgnoresACopyForwardedToAnotherDestination) {
    monitor_.setFdoOwner(server_.uniqueName());
    Client forwarder(bus_.address());
    Client app(bus_.address());
    std::uint32_t copy_id = 0, direct_id = 0;
    app.notify("Signal", 0, "Copy", "x", {}, &copy_id, forwarder.uniqueName().c_str());
    app.notify("Signal", 0, "Direct", "x", {}, &direct_id, server_.uniqueName().c_str());
    ASSERT_TRUE(sawAtLeast(1));
    ASSERT_TRUE(waitUntil([&] { return copy_id != 0 && direct_id != 0; }, 5s, iterate));
    ASSERT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].notification.summary, "Direct");
    EXPECT_EQ(seen_[0].fdo_id, direct_id);
}

TEST_F(AMonitor, HandsBackANotifyTheServerRefusedAsRefused) {
    Client app(bus_.address());
    std::uint32_t id = 0;
    // Nobody serves this path: the server's sd-bus answers with an error, which the monitor
    // pairs with the call and hands back as refused (what NeedsId did for it is answered too).
    send(app.bus(), "org.freedesktop.Notifications", "/wrong/path", "org.freedesktop.Notifications",
         "Notify", [](sd_bus_message* m) {
             return sd_bus_message_append(m, "susssasa{sv}i", "A", 0u, "", "Refused", "", 0, 0, -1);
         });
    app.notify("Signal", 0, "Accepted", "x", {}, &id);
    ASSERT_TRUE(sawAtLeast(2));
    // The monitor may see the server's reply before the app has read it.
    ASSERT_TRUE(waitUntil([&] { return id != 0; }, 5s, iterate));
    ASSERT_EQ(seen_.size(), 2u);
    const auto& refused = seen_[0].notification.summary == "Refused" ? seen_[0] : seen_[1];
    const auto& accepted = seen_[0].notification.summary == "Refused" ? seen_[1] : seen_[0];
    EXPECT_EQ(refused.notification.summary, "Refused");
    EXPECT_TRUE(refused.refused);
    EXPECT_EQ(refused.fdo_id, 0u);
    EXPECT_EQ(accepted.notification.summary, "Accepted");
    EXPECT_FALSE(accepted.refused);
    EXPECT_EQ(accepted.fdo_id, id);
}

TEST_F(AMonitor, MissesNoneOfAThousandNotificationsFromFourClients) {
    constexpr int kClients = 4, kEach = 250, kRound = 50;
    std::vector<std::unique_ptr<Client>> apps;
    std::vector<std::vector<std::uint32_t>> ids(kClients, std::vector<std::uint32_t>(kEach));
    for (int c = 0; c < kClients; ++c)
        apps.push_back(std::make_unique<Client>(bus_.address()));
    // In rounds: the private bus, like dbus-daemon's default, allows 128 pending calls per
    // connection (a real session bus allows far more).
    for (int start = 0; start < kEach; start += kRound) {
        for (int i = start; i < start + kRound; ++i)
            for (int c = 0; c < kClients; ++c)
                apps[c]->notify("Flood", 0, "n" + std::to_string(i), "body", {}, &ids[c][i]);
        ASSERT_TRUE(
            waitUntil([&] { return ids[kClients - 1][start + kRound - 1] != 0; }, 10s, iterate));
    }
    ASSERT_TRUE(sawAtLeast(kClients * kEach)) << seen_.size() << " seen";
    for (int c = 0; c < kClients; ++c) {
        std::set<std::uint32_t> expected(ids[c].begin(), ids[c].end()), got;
        for (const Observed& o : seen_)
            if (o.sender == apps[c]->uniqueName()) got.insert(o.fdo_id);
        EXPECT_EQ(got, expected) << "client " << c;
    }
    EXPECT_EQ(monitor_.counters().malformed, 0u);
    EXPECT_EQ(lost_, 0);
}

TEST_F(AMonitor, ReportsOnlyTheCallsWhoseIdIsNeededButCountsThemAll) {
    Client app(bus_.address());
    std::uint32_t stranger = 0, contact = 0;
    app.notify("Signal", 0, kStranger, "x", {}, &stranger);
    app.notify("Signal", 0, "Alex Morgan", "x", {}, &contact);
    ASSERT_TRUE(sawAtLeast(1));
    ASSERT_TRUE(waitUntil([&] { return stranger != 0 && contact != 0; }, 5s, iterate));
    ASSERT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].fdo_id, contact);
    EXPECT_FALSE(seen_[0].unanswerable);
    EXPECT_EQ(monitor_.counters().seen, 2u);
}

TEST_F(AMonitor, ReportsACallThatAsksForNoReplyAtOnceAsUnanswerable) {
    Client app(bus_.address());
    sd_bus_message* m = nullptr;
    ASSERT_GE(sd_bus_message_new_method_call(app.bus(), &m, "org.freedesktop.Notifications",
                                             "/org/freedesktop/Notifications",
                                             "org.freedesktop.Notifications", "Notify"),
              0);
    ASSERT_GE(
        sd_bus_message_append(m, "susssasa{sv}i", "Signal", 0u, "", "Alex Morgan", "x", 0, 0, -1),
        0);
    ASSERT_GE(sd_bus_message_set_expect_reply(m, 0), 0);
    ASSERT_GE(sd_bus_send(app.bus(), m, nullptr), 0);
    sd_bus_message_unref(m);
    ASSERT_TRUE(sawAtLeast(1));
    EXPECT_TRUE(seen_[0].unanswerable);
    EXPECT_EQ(seen_[0].fdo_id, 0u);
    EXPECT_EQ(seen_[0].notification.summary, "Alex Morgan");
}

// Other apps' calls never wait for their reply, however many a stopped server leaves
// unanswered: the one call that needs its id is still paired with its reply.
TEST_F(AMonitor, PairsAContactsCallThroughAFloodWhileTheServerIsStopped) {
    // dbus-daemon allows 128 pending replies per connection: 40 apps send 110 each.
    constexpr int kApps = 40, kEach = 110, kFlood = kApps * kEach;  // more than 4096
    server_.stop();
    Client contact_app(bus_.address());
    std::uint32_t contact = 0;
    contact_app.notify("Signal", 0, "Alex Morgan", "x", {}, &contact);
    std::vector<std::unique_ptr<Client>> apps;
    std::vector<std::uint32_t> ids(kFlood, 0);
    for (int a = 0; a < kApps; ++a) {
        apps.push_back(std::make_unique<Client>(bus_.address()));
        for (int i = 0; i < kEach; ++i)
            apps.back()->notify("Flood", 0, kStranger, "x", {}, &ids[a * kEach + i]);
    }
    ASSERT_TRUE(waitUntil([&] { return monitor_.counters().seen == kFlood + 1; }, 60s, iterate))
        << monitor_.counters().seen << " seen";
    EXPECT_TRUE(seen_.empty());
    server_.resume();
    ASSERT_TRUE(waitUntil([&] { return !seen_.empty() && contact != 0; }, 60s, iterate));
    ASSERT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].fdo_id, contact);
    EXPECT_FALSE(seen_[0].unanswerable);
}

TEST_F(AMonitor, HandsBackTheCallsStillWaitingWhenItRestarts) {
    server_.stop();  // the call is seen, and no reply comes
    Client app(bus_.address());
    std::uint32_t id = 0;
    app.notify("Signal", 0, "Alex Morgan", "waiting", {}, &id);
    ASSERT_TRUE(waitUntil([&] { return monitor_.counters().seen == 1; }, 5s, iterate));
    EXPECT_TRUE(seen_.empty());
    source_.reset();
    monitor_.restart();  // a new connection never sees that reply
    ASSERT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].notification.body, "waiting");
    EXPECT_TRUE(seen_[0].unanswerable);
    EXPECT_EQ(seen_[0].ticket, 1001u) << "what was done at the call comes back with it";
    source_ = daemon::BusSource::forSdBus(monitor_.bus(), [this] { ++lost_; });
    source_->attach();
    server_.resume();
}

TEST_F(AMonitor, ComesBackAfterARestart) {
    source_.reset();
    monitor_.restart();
    source_ = daemon::BusSource::forSdBus(monitor_.bus(), [this] { ++lost_; });
    source_->attach();
    Client app(bus_.address());
    std::uint32_t id = 0;
    app.notify("Signal", 0, "After", "x", {}, &id);
    ASSERT_TRUE(sawAtLeast(1));
    EXPECT_EQ(monitor_.counters().restarts, 1u);
    EXPECT_EQ(seen_[0].notification.summary, "After");
}

}  // namespace
}  // namespace nocontact::dbus
