// SPDX-License-Identifier: GPL-3.0-or-later
// A flood through the real nocontactd: 10,000 notifications from 4 apps as fast as the bus
// takes them, 1 % from the contact.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/strings.hpp"
#include "tests/integration/daemon_process.hpp"

using nocontact::testing::Client;
using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::kAlexPolicy;

using namespace std::chrono_literals;

namespace {

constexpr int kClients = 4;
constexpr int kPerClient = 2500;    // 10,000 in all
constexpr int kContactEvery = 100;  // 1 % from the contact
// Calls in flight per app: dbus-daemon allows 128 pending replies per connection by default;
// 100 keeps every app just under that limit, so no call is refused.
constexpr int kWindow = 100;
// Generous for 2 slow cores running tests in parallel; a healthy run takes a few seconds.
constexpr auto kFloodDeadline = 45s;

// One app sending its share of the flood, keeping at most kWindow calls in flight.
struct Lane {
    std::unique_ptr<Client> client;
    int index = 0;
    std::vector<std::uint32_t> ids = std::vector<std::uint32_t>(kPerClient, 0);
    int sent = 0, answered = 0;

    static bool fromContact(int lane, int i) { return (i * kClients + lane) % kContactEvery == 0; }

    void pump() {
        while (answered < sent && ids[answered] != 0)
            ++answered;
        while (sent < kPerClient && sent - answered < kWindow) {
            int i = sent++;
            bool contact = fromContact(index, i);
            client->notify("Signal", 0, contact ? "Alex Morgan" : "Sam Rivera",
                           "flood message number " + std::to_string(i * kClients + index),
                           {{"desktop-entry", "signal"}}, &ids[i]);
        }
    }
    bool done() const { return answered == kPerClient; }
};

class DaemonFlood : public DaemonTest {};

}  // namespace

TEST_F(DaemonFlood, WithholdsEveryContactNotificationInAFloodAndTouchesNothingElse) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    long rss_before = daemon_->rssKib();
    std::vector<Lane> lanes(kClients);
    for (int i = 0; i < kClients; ++i) {
        lanes[i].client = std::make_unique<Client>(bus_.address());
        lanes[i].index = i;
    }
    auto start = std::chrono::steady_clock::now();
    auto pumpAll = [&] {
        for (auto& lane : lanes)
            lane.pump();
        nocontact::testing::iterate();
    };
    auto allAnswered = [&] {
        for (auto& lane : lanes)
            if (!lane.done()) return false;
        return true;
    };
    ASSERT_TRUE(nocontact::testing::waitUntil(allAnswered, kFloodDeadline, pumpAll))
        << "the server did not answer every notification in time";

    std::set<std::uint32_t> contact_ids;
    for (int l = 0; l < kClients; ++l)
        for (int i = 0; i < kPerClient; ++i) {
            ASSERT_NE(lanes[l].ids[i], UINT32_MAX);
            if (Lane::fromContact(l, i)) contact_ids.insert(lanes[l].ids[i]);
        }
    ASSERT_EQ(contact_ids.size(), std::size_t(kClients * kPerClient / kContactEvery));
    auto closed = [&] {
        std::set<std::uint32_t> ids;
        for (const auto& call : server_->calls())
            if (call.member == "CloseNotification") ids.insert(call.id);
        return ids;
    };
    EXPECT_TRUE(waitFor(
        [&] {
            auto c = closed();
            return std::includes(c.begin(), c.end(), contact_ids.begin(), contact_ids.end());
        },
        kFloodDeadline))
        << "not every contact notification was withheld";
    auto elapsed = std::chrono::steady_clock::now() - start;

    // The barrier: sent after the flood, so once it is withheld every stranger was judged.
    std::uint32_t last = idOf(signalFrom("Alex Morgan", "the message after the flood"));
    ASSERT_TRUE(waitWithheld(last));
    contact_ids.insert(last);
    for (const auto& call : server_->calls()) {
        bool ours = call.member == "CloseNotification" ||
                    (call.member == "Notify" &&
                     call.summary == nocontact::daemon::strings::kWithheldPlaceholder);
        if (ours) {
            EXPECT_TRUE(contact_ids.count(call.id)) << call.member << " on " << call.id;
        }
    }

    auto s = status();  // still connected and answering
    EXPECT_EQ(field<std::uint32_t>(s, "withheld"), contact_ids.size());
    EXPECT_EQ(field<std::uint32_t>(s, "monitor_restarts"), 0u) << "the bus dropped the monitor";
    EXPECT_GE(field<std::uint32_t>(s, "seen"), std::uint32_t(kClients * kPerClient));
    std::cout << "flood: " << kClients * kPerClient << " notifications, " << contact_ids.size() - 1
              << " withheld in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
              << " ms; nocontactd VmRSS " << rss_before << " KiB before, " << daemon_->rssKib()
              << " KiB after\n";
}

// A server that stops answering (as under `kill -STOP`) while one app floods it: the contact's
// message, sent first, is withheld once the server answers again, however many others wait.
TEST_F(DaemonFlood, WithholdsAContactsMessageSentBeforeThousandsOthersToAStoppedServer) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    server_->stop();
    std::uint32_t* contact = signalFrom("Alex Morgan", "sent while the server was stopped");
    // dbus-daemon allows 128 pending replies per connection: 40 apps send 110 each, 4,400 in all.
    constexpr int kApps = 40, kEach = 110;
    std::vector<std::unique_ptr<Client>> apps;
    for (int a = 0; a < kApps; ++a) {
        apps.push_back(std::make_unique<Client>(bus_.address()));
        for (int i = 0; i < kEach; ++i)
            notify(*apps.back(), "Signal", 0, "Sam Rivera", "flood", {{"desktop-entry", "signal"}});
    }
    ASSERT_TRUE(waitFor([&] { return field<std::uint32_t>(status(), "seen") >= kApps * kEach + 1; },
                        kFloodDeadline))
        << "nocontactd did not see the flood";
    server_->resume();
    std::uint32_t id = idOf(contact);
    ASSERT_NE(id, 0u);
    EXPECT_TRUE(waitWithheld(id, kFloodDeadline));
    EXPECT_EQ(field<std::uint32_t>(status(), "unanswerable"), 0u);
}

// A Notify sent with NO_REPLY_EXPECTED brings no id, so nothing can take it off the screen: it
// is kept all the same, with no pause over it, and Status says so.
TEST_F(DaemonFlood, KeepsAContactsMessageThatAskedForNoReplyAndSaysItWasShown) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    sd_bus_message* m = nullptr;
    ASSERT_GE(sd_bus_message_new_method_call(app_->bus(), &m, "org.freedesktop.Notifications",
                                             "/org/freedesktop/Notifications",
                                             "org.freedesktop.Notifications", "Notify"),
              0);
    ASSERT_GE(sd_bus_message_append(m, "susssasa{sv}i", "Signal", 0u, "", "Alex Morgan",
                                    "no reply wanted", 0, 1, "desktop-entry", "s", "signal", -1),
              0);
    ASSERT_GE(sd_bus_message_set_expect_reply(m, 0), 0);
    ASSERT_GE(sd_bus_send(app_->bus(), m, nullptr), 0);
    sd_bus_message_unref(m);
    ASSERT_TRUE(waitFor([&] { return field<std::uint32_t>(status(), "unanswerable") == 1; }));
    auto s = status();
    EXPECT_EQ(field<std::uint32_t>(s, "held"), 1u);
    EXPECT_EQ(field<std::uint32_t>(s, "withheld"), 0u);
    // A message after it is withheld as ever, and only then does a pause come: none came for
    // the message already on screen.
    std::uint32_t second = idOf(signalFrom("Alex Morgan", "asks for a reply"));
    ASSERT_TRUE(waitWithheld(second));
    auto isPause = [](const nocontact::testing::FakeFdoServer::Call& call) {
        return call.member == "Notify" && call.summary.find("take a breath") != std::string::npos;
    };
    ASSERT_TRUE(waitFor(
        [&] { return std::any_of(server_->calls().begin(), server_->calls().end(), isPause); }));
    const auto& calls = server_->calls();
    auto pause = std::find_if(calls.begin(), calls.end(), isPause);
    auto withheld = std::find_if(calls.begin(), calls.end(), [&](const auto& call) {
        return call.member == "Notify" && call.id == second &&
               call.summary == nocontact::daemon::strings::kWithheldPlaceholder;
    });
    EXPECT_LT(withheld - calls.begin(), pause - calls.begin())
        << "a pause came over the message already on screen";
}
