// SPDX-License-Identifier: GPL-3.0-or-later
// Calls through GNOME Calls (which can silence) with the real nocontactd: the pause, the hang-up,
// a call seen by both Calls and ModemManager, and every row of DESIGN.md §4 that involves a call.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_phones.hpp"

namespace {

using nocontact::testing::DaemonPhones;
using nocontact::testing::field;
using nocontact::testing::JournalRow;
using nocontact::testing::kAlexNumber;
using nocontact::testing::kFakes;
using nocontact::testing::kStrangerNumber;
using nocontact::testing::PhoneFake;
using nocontact::testing::phonePolicy;
using nocontact::testing::PrivateBus;
using namespace std::chrono_literals;

TEST_F(DaemonPhones, MeetsTheirCallInGnomeCallsWithAPauseAndLetsItRing) {
    ASSERT_NO_FATAL_FAILURE(startWithCalls(phonePolicy("pause")));
    std::string stranger =
        calls_->call<sdbus::ObjectPath>("Incoming", std::string(kStrangerNumber), std::string(""));
    std::string call = calls_->call<sdbus::ObjectPath>("Incoming", std::string("+14155550100"),
                                                       std::string("Alex Morgan"));
    std::uint32_t pause = waitShown("Alex is calling — take a breath");
    ASSERT_NE(pause, 0u) << daemon_->log();
    ASSERT_TRUE(waitAction(pause, "let-go"));
    server_->emitActionInvoked(pause, "let-go");  // Let it ring
    ASSERT_TRUE(waitFor(
        [&] {
            for (const auto& row : journal())
                if (std::get<3>(row).count("action") && std::get<3>(row).at("action") == "let-ring")
                    return true;
            return false;
        },
        5s));
    // It was quieted when the pause came; letting it ring ends nothing and answers nothing.
    EXPECT_EQ(calls_->asked(call, "Silence"), 1);
    EXPECT_EQ(calls_->asked(call, "Hangup"), 0);
    EXPECT_EQ(calls_->asked(call, "Accept"), 0);
    EXPECT_EQ(calls_->recorded().size(), 1u);  // the stranger's call was never touched
}

TEST_F(DaemonPhones, ClosesThePauseWhenTheCallIsAnsweredInCalls) {
    ASSERT_NO_FATAL_FAILURE(startWithCalls(phonePolicy("pause")));
    std::string call =
        calls_->call<sdbus::ObjectPath>("Incoming", std::string("4155550100"), std::string(""));
    std::uint32_t pause = waitShown("Alex is calling — take a breath");
    ASSERT_NE(pause, 0u) << daemon_->log();
    calls_->call("SetState", sdbus::ObjectPath(call), std::uint32_t{1});  // ACTIVE: answered
    EXPECT_TRUE(waitFor(
        [&] {
            for (const auto& c : server_->calls())
                if (c.member == "CloseNotification" && c.id == pause) return true;
            return false;
        },
        5s))
        << daemon_->log();
}

TEST_F(DaemonPhones, HangsUpTheirCallInCallsAtStrictAndPausesACallToThemAtFirm) {
    ASSERT_NO_FATAL_FAILURE(startWithCalls(phonePolicy("strict")));
    std::string call =
        calls_->call<sdbus::ObjectPath>("Incoming", std::string("+14155550100"), std::string(""));
    ASSERT_TRUE(waitAsked(*calls_, call, "Hangup")) << daemon_->log();

    daemon_->writePolicy(phonePolicy("firm"));
    ASSERT_TRUE(reload().first);
    std::string out = calls_->call<sdbus::ObjectPath>("Outgoing", std::string("(415) 555-0100"),
                                                      std::string("Alex Morgan"));
    std::uint32_t pause = waitShown("You're calling Alex — take a breath");
    ASSERT_NE(pause, 0u) << daemon_->log();
    ASSERT_TRUE(waitAction(pause, "let-go"));
    server_->emitActionInvoked(pause, "let-go");  // Hang up
    EXPECT_TRUE(waitAsked(*calls_, out, "Hangup")) << daemon_->log();
    bool honoured = waitFor(
        [&] {
            for (const auto& row : journal()) {
                auto d = std::get<3>(row);
                if (d["kind"] == "reach_answer" && d["action"] == "let-go" && d["app"] == "call")
                    return true;
            }
            return false;
        },
        5s);
    EXPECT_TRUE(honoured);
}

TEST_F(DaemonPhones, DecidesOnceAboutACallSeenByCallsAndModemManager) {
    system_ = std::make_unique<PrivateBus>();
    modem_ = std::make_unique<PhoneFake>(kFakes + "modemmanager.py", "DBUS_SYSTEM_BUS_ADDRESS",
                                         system_->address());
    modem_->call<sdbus::ObjectPath>("AddModem");
    system_bus_ = system_->address();
    // Sam, with two numbers: a call to each, after Alex's, shows each service's earlier
    // calls were all judged.
    ASSERT_NO_FATAL_FAILURE(startWithCalls(
        phonePolicy("strict", "",
                    "  - name: Sam\n    reasons: [\"Not now.\"]\n"
                    "    match: { phones: [\"+1 415 555 0142\", \"+1 415 555 0143\"] }\n")));
    ASSERT_TRUE(waitPresent("modemmanager"));
    // On a Linux phone, Calls places the modem's call: the same call on both services.
    std::string in_modem = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    std::string in_calls = calls_->call<sdbus::ObjectPath>("Incoming", std::string(kAlexNumber),
                                                           std::string("Alex Morgan"));
    std::string sam_modem = modem_->call<sdbus::ObjectPath>("IncomingCall", "+1 415 555 0142");
    std::string sam_calls = calls_->call<sdbus::ObjectPath>(
        "Incoming", std::string("+1 415 555 0143"), std::string("Sam"));
    ASSERT_TRUE(waitAsked(*modem_, sam_modem, "Hangup")) << daemon_->log();
    ASSERT_TRUE(waitAsked(*calls_, sam_calls, "Hangup")) << daemon_->log();
    std::size_t alex_events = 0;
    for (const auto& row : journal())
        if (std::get<1>(row) == "event" && std::get<2>(row) == "Alex") ++alex_events;
    EXPECT_EQ(alex_events, 1u);
    EXPECT_EQ(modem_->asked(in_modem, "Hangup") + calls_->asked(in_calls, "Hangup"), 1);
}

TEST_F(DaemonPhones, FollowsOnlyTheSourcesThePolicyHasOn) {
    kde_ = std::make_unique<PhoneFake>(kFakes + "kdeconnect.py", "DBUS_SESSION_BUS_ADDRESS",
                                       bus_.address());
    calls_ = std::make_unique<PhoneFake>(kFakes + "gnome_calls.py", "DBUS_SESSION_BUS_ADDRESS",
                                         bus_.address());
    const std::string off = "sources: { kdeconnect: false, gnome_calls: false }\n";
    ASSERT_NO_FATAL_FAILURE(startDaemon(phonePolicy("strict", "", off)));
    // Both services are there, and neither is followed; a call in Calls is left alone.
    std::string call =
        calls_->call<sdbus::ObjectPath>("Incoming", std::string(kAlexNumber), std::string(""));
    EXPECT_TRUE(field<std::vector<std::string>>(status(), "phones").empty());
    calls_->call("End", sdbus::ObjectPath(call));
    daemon_->writePolicy(phonePolicy("strict"));
    ASSERT_TRUE(reload().first);
    ASSERT_TRUE(waitPresent("kdeconnect"));
    ASSERT_TRUE(waitPresent("gnome_calls"));
    std::string later =
        calls_->call<sdbus::ObjectPath>("Incoming", std::string(kAlexNumber), std::string(""));
    ASSERT_TRUE(waitAsked(*calls_, later, "Hangup"));
    EXPECT_EQ(calls_->asked(call, "Hangup"), 0);
}

// Every row of DESIGN.md §4 that involves a call, through GNOME Calls (which can silence):
// what the contact's level and `calls:` make of their call, and of a call to them.
struct CallRow {
    const char* level;
    const char* calls;  // the contact's calls: rule
    bool incoming;
    const char* action;  // in the journal
    const char* asked;   // what Calls was asked: "Silence", "Hangup" or "" (untouched)
    const char* shown;   // a pause's title, "nudge", or "" (nothing shown)
};

constexpr CallRow kCallRows[] = {
    {"open", "auto", true, "ring", "", ""},
    {"gentle", "auto", true, "nudge", "", "nudge"},
    {"pause", "auto", true, "pause", "Silence", "Alex is calling — take a breath"},
    {"firm", "auto", true, "silence", "Silence", ""},
    {"strict", "auto", true, "reject", "Hangup", ""},
    {"pause", "reject", true, "reject", "Hangup", ""},
    {"strict", "ring", true, "ring", "", ""},
    {"open", "silence", true, "silence", "Silence", ""},
    {"open", "auto", false, "count", "", ""},
    {"gentle", "auto", false, "nudge", "", "nudge"},
    {"pause", "auto", false, "pause-before-use", "", "You're calling Alex — take a breath"},
    {"firm", "auto", false, "pause-before-use", "", "You're calling Alex — take a breath"},
    {"strict", "auto", false, "reject", "Hangup", "The call to Alex was ended"},
};

TEST_F(DaemonPhones, FollowsTheLadderForEveryCallRow) {
    ASSERT_NO_FATAL_FAILURE(startWithCalls(phonePolicy("open")));
    std::vector<std::string> paths;
    for (const CallRow& row : kCallRows) {
        SCOPED_TRACE(std::string(row.level) + " calls: " + row.calls +
                     (row.incoming ? " incoming" : " outgoing"));
        daemon_->writePolicy(phonePolicy(row.level, std::string("    calls: ") + row.calls + "\n"));
        ASSERT_TRUE(reload().first);
        const std::size_t before = events("gnome_calls").size();
        const std::size_t notes_before = server_->calls().size();
        std::string path = calls_->call<sdbus::ObjectPath>(
            row.incoming ? "Incoming" : "Outgoing", std::string(kAlexNumber), std::string(""));
        paths.push_back(path);
        ASSERT_TRUE(waitFor([&] { return events("gnome_calls").size() > before; }, 10s))
            << daemon_->log();
        EXPECT_EQ(events("gnome_calls").back()["action"], row.action);
        EXPECT_EQ(events("gnome_calls").back()["direction"],
                  row.incoming ? "incoming" : "outgoing");
        // Shown for this row: a nudge is the daemon's only low-urgency notification.
        auto shownNow = [&] {
            const auto& calls = server_->calls();
            for (std::size_t i = notes_before; i < calls.size(); ++i) {
                if (calls[i].member != "Notify") continue;
                auto urgency = calls[i].hints.find("urgency");
                bool nudge = urgency != calls[i].hints.end() && urgency->second == "0";
                if (std::string(row.shown) == "nudge" ? nudge : calls[i].summary == row.shown)
                    return true;
            }
            return false;
        };
        if (*row.shown) {
            EXPECT_TRUE(waitFor(shownNow, 5s));
        }
        if (*row.asked) {
            EXPECT_TRUE(waitAsked(*calls_, path, row.asked)) << daemon_->log();
        }
        calls_->call("End", sdbus::ObjectPath(path));  // the next row starts afresh
    }
    // Calls answers in order: once a last call's hangup is in, every earlier ask is too.
    daemon_->writePolicy(phonePolicy("strict"));
    ASSERT_TRUE(reload().first);
    std::string last =
        calls_->call<sdbus::ObjectPath>("Incoming", std::string(kAlexNumber), std::string(""));
    ASSERT_TRUE(waitAsked(*calls_, last, "Hangup"));
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const CallRow& row = kCallRows[i];
        for (const char* method : {"Silence", "Hangup", "Accept"}) {
            EXPECT_EQ(calls_->asked(paths[i], method), std::string(row.asked) == method ? 1 : 0)
                << row.level << " " << row.calls << " " << method;
        }
    }
}

}  // namespace
