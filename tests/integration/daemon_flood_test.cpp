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
