// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd when things go wrong around it: the notification server crashing in the
// middle of a pause, the daemon killed or stopped while it writes, malformed calls in a flood.
// A full disk and a read-only state folder: daemon_journal_memory_test.cpp. Message text in the
// journal and the logs: daemon_text_test.cpp.
#include <systemd/sd-bus.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/daemon.hpp"
#include "daemon/strings.hpp"
#include "tests/integration/daemon_faults.hpp"

namespace {

using nocontact::testing::Client;
using nocontact::testing::DaemonFaults;
using nocontact::testing::field;
using nocontact::testing::HeldRow;
using nocontact::testing::integrityOk;
using namespace std::chrono_literals;

// Alex at pause with a 30 s countdown: long enough that the pause is still counting (and so
// updated every second) whatever the server does in the meantime.
const char* const kLongPausePolicy = R"(version: 1
defaults: { strictness: pause, pause: 30s, region: US }
contacts:
  - name: Alex
    since: 2024-12-10
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan"] }
)";

// Every table of the journal and, for each needle, the tables holding it in any column.

// 1. The notification server crashes and comes back in the middle of a pause.

// Restarted while the countdown runs: a countdown update that goes out while the name changes
// hands fails, and the pause then counts as closed without a choice (the message waits for
// later); one that does not finds the new server, and the pause is shown there again. Either
// way nothing is lost, the daemon lives, and the new server is served.
TEST_F(DaemonFaults, KeepsTheHeldMessageWhenTheServerRestartsMidPause) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kLongPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "held across a server crash"))));
    ASSERT_TRUE(waitFor([&] { return pauseOn(*server_) != 0; })) << "no pause opened";
    server_->restart();  // the new server has forgotten every notification
    auto firstState = [&] {
        auto rows = listHeld();
        return rows.empty() ? std::string() : std::get<4>(rows[0]);
    };
    // The pause back on the new server, or the message waiting for later: one of the two.
    ASSERT_TRUE(waitFor([&] { return pauseOn(*server_) != 0 || firstState() == "later"; }, 10s))
        << "the message is " << firstState();
    EXPECT_FALSE(daemon_->exitStatus().has_value()) << "nocontactd died with the server";
    auto rows = listHeld();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(std::get<1>(rows[0]), "Alex");
    if (pauseOn(*server_) != 0) {
        // The pause on the new server is the live one: its Let it go is heard.
        server_->emitActionInvoked(pauseOn(*server_), "let-go");
        EXPECT_TRUE(waitFor([&] { return firstState() == "let_go"; }))
            << "Let it go on the new server was lost";
    } else {
        ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "for the new server"))));
        EXPECT_TRUE(waitFor([&] { return pauseOn(*server_) != 0; })) << "no pause on it";
    }
}

// After the countdown nothing updates the pause any more: a restarted server gets it again,
// buttons and all, because the daemon sees another server take the name.
TEST_F(DaemonFaults, ShowsAFinishedPauseAgainOnARestartedServer) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("pause")));  // 3 s
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "held past the countdown"))));
    // A Notify offering Read it, among the server's calls from index `from` on.
    auto offersRead = [&](std::size_t from) {
        const auto& calls = server_->calls();
        for (std::size_t i = from; i < calls.size(); ++i)
            if (calls[i].member == "Notify" &&
                std::find(calls[i].actions.begin(), calls[i].actions.end(), "read") !=
                    calls[i].actions.end())
                return true;
        return false;
    };
    ASSERT_TRUE(waitFor([&] { return offersRead(0); }, 10s)) << "the countdown never ended";
    const std::size_t before = server_->calls().size();
    server_->restart();
    EXPECT_TRUE(waitFor([&] { return pauseOn(*server_) != 0; }, 10s))
        << "the pause did not come back on the restarted server";
    EXPECT_TRUE(offersRead(before)) << "it came back without Read it";
    server_->emitActionInvoked(pauseOn(*server_), "let-go");
    EXPECT_TRUE(waitFor([&] { return held() == 0; })) << "Let it go on the new server was lost";
}

// With no server at all for a moment, the pause cannot be updated: the daemon takes it as
// closed without a choice, so the message waits as "later", and a new server gets new pauses.
TEST_F(DaemonFaults, KeepsTheMessageWaitingWhenTheServerVanishesMidPauseAndServesTheNextOne) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kLongPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "held while the server is gone"))));
    ASSERT_TRUE(waitFor([&] { return pauseOn(*server_) != 0; })) << "no pause opened";
    server_.reset();
    EXPECT_TRUE(waitFor([&] {
        return daemon_->log().find("the pause could not be shown") != std::string::npos;
    })) << "the countdown's next second did not find the server gone";
    auto rows = listHeld();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(std::get<4>(rows[0]), "held") << "nobody chose 'later': it waits as it did";
    for (const auto& entry : client_->Journal(0))
        EXPECT_NE(std::get<1>(entry), "choice") << "nothing was chosen";
    server_ = std::make_unique<nocontact::testing::FakeFdoServer>(bus_.address(), "other-fdo");
    ASSERT_TRUE(
        waitFor([&] { return field<std::string>(status(), "server_name") == "other-fdo"; }));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "for the server that came"))));
    EXPECT_TRUE(waitFor([&] { return pauseOn(*server_) != 0; })) << "no pause on the new server";
    EXPECT_EQ(held(), 2u);
    EXPECT_FALSE(daemon_->exitStatus().has_value());
}

// 2. Killed or stopped while it writes.

TEST_F(DaemonFaults, KeepsAMessageWhenKilledTheMomentItWasWithheld) {
    const std::string kSecret = "killed right after this was taken off the screen 🌙";
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("firm")));
    std::uint32_t id = idOf(signalFrom("Alex Morgan", kSecret));
    ASSERT_NE(id, 0u);
    // No Status round trip in between: SIGKILL as soon as the server sees the close.
    ASSERT_TRUE(waitFor([&] { return closesOf(id) > 0; }));
    daemon_->kill9();
    EXPECT_TRUE(integrityOk(journalFile()));
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    auto rows = listHeld();
    ASSERT_EQ(rows.size(), 1u) << "a message taken off the screen was not kept";
    EXPECT_EQ(std::get<1>(rows[0]), "Alex");
    EXPECT_EQ(std::get<2>(rows[0]), "Signal");
    EXPECT_EQ(readHeld(std::get<0>(rows[0])), kSecret) << "the kept text is not intact";
}

TEST_F(DaemonFaults, KeepsEveryWithheldMessageWhenStoppedInTheMiddleOfABurst) {
    constexpr int kBurst = 60;
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("firm")));
    std::vector<std::uint32_t*> slots;
    for (int i = 0; i < kBurst; ++i)
        slots.push_back(signalFrom("Alex Morgan", "burst message " + std::to_string(i) + " ✉"));
    auto closedCount = [&] {
        int n = 0;
        for (auto* slot : slots)
            n += *slot != 0 && *slot != UINT32_MAX && closesOf(*slot) > 0;
        return n;
    };
    ASSERT_TRUE(waitFor([&] { return closedCount() >= 1; })) << "nothing was withheld";
    int at_signal = closedCount();
    EXPECT_EQ(stopAnswering(), 0) << "SIGTERM while writing is not a clean exit";
    int closed = closedCount();
    std::cout << "SIGTERM after " << at_signal << " of " << kBurst << " withheld; " << closed
              << " withheld before the daemon ended\n";
    EXPECT_TRUE(integrityOk(journalFile()));
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    auto kept = listHeld().size();
    EXPECT_GE(kept, static_cast<std::size_t>(closed)) << "a withheld message was lost";
    EXPECT_LE(kept, static_cast<std::size_t>(kBurst));
}

// A second nocontactd started by hand in the same session, on the same state folder and with a
// policy of its own: it stops before it touches anything of the first one's. Its last good
// policy would otherwise replace the first one's, and it would offer the first one's held
// message again.
TEST_F(DaemonFaults, ASecondCopyInTheSameSessionStopsBeforeTouchingAnything) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kLongPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept by the first copy"))));
    ASSERT_TRUE(waitFor([&] { return pauseOn(*server_) != 0; })) << "no pause opened";
    const auto last_good = std::filesystem::path(daemon_->stateDir()) / "last-good-policy.yaml";
    ASSERT_TRUE(waitFor([&] { return std::filesystem::exists(last_good); }));
    auto read = [](const std::filesystem::path& file) {
        std::ifstream in(file);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string kept_policy = read(last_good);
    // The first copy keeps calling (its pause counts down): only a caller never seen is news.
    auto callers = [&] {
        std::set<std::string> senders;
        for (const auto& call : server_->calls())
            senders.insert(call.sender);
        return senders;
    };
    const std::set<std::string> first_callers = callers();

    nocontact::testing::DaemonProcess second(bus_.address(), false);
    second.writePolicy(
        "version: 1\ncontacts:\n  - name: Sam\n    match: { names: [\"Sam Lee\"] }\n");
    second.shareStateDir(daemon_->stateDir());
    second.start();
    ASSERT_TRUE(waitFor([&] { return second.exitStatus().has_value(); }, 10s)) << second.log();
    EXPECT_EQ(*second.exitStatus(), nocontact::daemon::kExitAlreadyRunning);
    EXPECT_NE(second.log().find("already running in this session"), std::string::npos)
        << second.log();
    EXPECT_EQ(read(last_good), kept_policy)
        << "the second copy kept its own policy as the last one that worked";
    EXPECT_EQ(held(), 1u);  // the first one answers, and still keeps the message
    EXPECT_EQ(callers(), first_callers) << "the second copy called the notification server";
}

// 3. A flood with malformed calls mixed in.

constexpr int kLanes = 4;
constexpr int kPerLane = 2500;      // 10,000 in all
constexpr int kContactEvery = 100;  // 1 % from the contact
constexpr int kMalformed = 400;
// Calls in flight per connection: under dbus-daemon's 128 pending replies per connection.
constexpr int kWindow = 100;
// Generous for 2 slow cores shared with other builds; a healthy run takes a few seconds.
constexpr auto kFloodDeadline = 60s;

// One app sending its share, at most kWindow calls in flight.
struct Lane {
    std::unique_ptr<Client> client;
    int index = 0;
    std::vector<std::uint32_t> ids = std::vector<std::uint32_t>(kPerLane, 0);
    int sent = 0, answered = 0;

    static bool fromContact(int lane, int i) { return (i * kLanes + lane) % kContactEvery == 0; }

    void pump() {
        while (answered < sent && ids[answered] != 0)
            ++answered;
        while (sent < kPerLane && sent - answered < kWindow) {
            int i = sent++;
            client->notify("Signal", 0, fromContact(index, i) ? "Alex Morgan" : "Sam Rivera",
                           "flood message " + std::to_string(i * kLanes + index),
                           {{"desktop-entry", "signal"}}, &ids[i]);
        }
    }
    bool done() const { return answered == kPerLane; }
};

// Notify calls no server can take, each naming the contact: wrong argument types, missing
// arguments, a hints array of the wrong kind.
struct MalformedLane {
    std::unique_ptr<Client> client;
    int sent = 0, errors = 0, returns = 0;

    static int onReply(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<MalformedLane*>(userdata);
        ++(sd_bus_message_is_method_error(m, nullptr) ? self->errors : self->returns);
        return 1;
    }
    void sendOne(int variant) {
        sd_bus_message* m = nullptr;
        sd_bus* bus = client->bus();
        int r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.Notifications",
                                               "/org/freedesktop/Notifications",
                                               "org.freedesktop.Notifications", "Notify");
        if (r >= 0) r = appendVariant(m, variant);
        if (r >= 0) r = sd_bus_call_async(bus, nullptr, m, &MalformedLane::onReply, this, 0);
        sd_bus_message_unref(m);
        ASSERT_GE(r, 0) << "cannot send malformed Notify " << variant;
        ++sent;
    }
    static int appendVariant(sd_bus_message* m, int variant) {
        switch (variant % 4) {
            case 0:  // replaces_id as a string
                return sd_bus_message_append(m, "sssssasa{sv}i", "Signal", "0", "", "Alex Morgan",
                                             "malformed body", 0, 0, -1);
            case 1:  // only the first arguments
                return sd_bus_message_append(m, "sus", "Signal", 0u, "Alex Morgan");
            case 2:  // hints as an array of strings
                return sd_bus_message_append(m, "susssasasi", "Signal", 0u, "", "Alex Morgan",
                                             "malformed body", 0, 1, "desktop-entry", -1);
            default:  // the body as a number
                return sd_bus_message_append(m, "sussiasa{sv}i", "Signal", 0u, "", "Alex Morgan",
                                             42, 0, 0, -1);
        }
    }
    void pump() {
        while (sent < kMalformed && sent - (errors + returns) < kWindow)
            sendOne(sent);
    }
    bool done() const { return errors + returns == kMalformed; }
};

TEST_F(DaemonFaults, WithholdsEveryContactNotificationInAFloodWithMalformedCallsMixedIn) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::kAlexPolicy));
    std::vector<Lane> lanes(kLanes);
    for (int i = 0; i < kLanes; ++i) {
        lanes[i].client = std::make_unique<Client>(bus_.address());
        lanes[i].index = i;
    }
    MalformedLane bad{std::make_unique<Client>(bus_.address())};
    auto start = std::chrono::steady_clock::now();
    auto pumpAll = [&] {
        for (auto& lane : lanes)
            lane.pump();
        bad.pump();
        nocontact::testing::iterate();
    };
    auto allAnswered = [&] {
        return bad.done() && std::all_of(lanes.begin(), lanes.end(),
                                         [](const Lane& lane) { return lane.done(); });
    };
    ASSERT_TRUE(nocontact::testing::waitUntil(allAnswered, kFloodDeadline, pumpAll))
        << "not every call was answered in time";
    EXPECT_EQ(bad.errors, kMalformed) << "the server took a malformed Notify";

    std::set<std::uint32_t> contact_ids;
    for (int l = 0; l < kLanes; ++l)
        for (int i = 0; i < kPerLane; ++i) {
            ASSERT_NE(lanes[l].ids[i], UINT32_MAX);
            if (Lane::fromContact(l, i)) contact_ids.insert(lanes[l].ids[i]);
        }
    ASSERT_EQ(contact_ids.size(), std::size_t(kLanes * kPerLane / kContactEvery));
    // The barrier: sent after the flood, so once it is withheld every call before was judged.
    std::uint32_t last = idOf(signalFrom("Alex Morgan", "the message after the flood"));
    contact_ids.insert(last);
    ASSERT_TRUE(waitWithheld(last, kFloodDeadline));
    auto elapsed = std::chrono::steady_clock::now() - start;
    std::set<std::uint32_t> closed;
    for (const auto& call : server_->calls()) {
        if (call.member == "CloseNotification") closed.insert(call.id);
        bool ours = call.member == "CloseNotification" ||
                    (call.member == "Notify" &&
                     call.summary == nocontact::daemon::strings::kWithheldPlaceholder);
        if (ours) {
            EXPECT_TRUE(contact_ids.count(call.id)) << call.member << " on " << call.id;
        }
    }
    EXPECT_TRUE(std::includes(closed.begin(), closed.end(), contact_ids.begin(), contact_ids.end()))
        << "not every contact notification was withheld";

    EXPECT_FALSE(daemon_->exitStatus().has_value()) << "nocontactd died in the flood";
    auto s = status();
    EXPECT_EQ(field<std::uint32_t>(s, "withheld"), contact_ids.size());
    EXPECT_EQ(field<std::uint32_t>(s, "malformed"), std::uint32_t(kMalformed));
    EXPECT_EQ(field<std::uint32_t>(s, "monitor_restarts"), 0u) << "the bus dropped the monitor";
    EXPECT_EQ(field<std::uint32_t>(s, "held"), contact_ids.size());
    std::cout << "flood: " << kLanes * kPerLane << " notifications and " << kMalformed
              << " malformed calls in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
}

}  // namespace
