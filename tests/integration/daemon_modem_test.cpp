// SPDX-License-Identifier: GPL-3.0-or-later
// Calls and SMS through ModemManager on a private system bus, with the real nocontactd: the rows
// of DESIGN.md §4 that involve them, numbers in many shapes, and strangers never touched.
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

TEST_F(DaemonPhones, HangsUpAStrictContactsCallAndNeverTouchesAStrangers) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("strict")));
    std::string stranger = modem_->call<sdbus::ObjectPath>("IncomingCall", kStrangerNumber);
    std::string alex = modem_->call<sdbus::ObjectPath>("IncomingCall", "(415) 555-0100");
    ASSERT_TRUE(waitAsked(*modem_, alex, "Hangup")) << daemon_->log();
    // The stranger's call came first, so it was judged before Alex's was hung up.
    EXPECT_EQ(modem_->asked(stranger, "Hangup"), 0);
    EXPECT_EQ(modem_->asked(stranger, "Accept"), 0);
    auto seen = events("modemmanager");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0]["kind"], "call");
    EXPECT_EQ(seen[0]["action"], "reject");
    EXPECT_EQ(seen[0]["direction"], "incoming");
}

TEST_F(DaemonPhones, KnowsTheContactsNumberInEveryShapeItComesIn) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("strict")));
    for (const char* number : {"4155550100", "+14155550100", "tel:+1-415-555-0100",
                               "1 (415) 555\u20110100", "\u202a+1 415 555 0100\u202c"}) {
        std::string path = modem_->call<sdbus::ObjectPath>("IncomingCall", number);
        EXPECT_TRUE(waitAsked(*modem_, path, "Hangup")) << number << "\n" << daemon_->log();
    }
}

TEST_F(DaemonPhones, PausesBeforeAnsweringAtPauseAndAnswersWhenAsked) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("pause")));
    std::string call = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    std::uint32_t pause = waitShown("Alex is calling — take a breath");
    ASSERT_NE(pause, 0u) << daemon_->log();
    EXPECT_TRUE(waitAction(pause, "let-go"));  // Let it ring, at once
    ASSERT_TRUE(waitAction(pause, "open")) << "Answer never came after the countdown";
    EXPECT_EQ(modem_->asked(call, "Hangup"), 0);
    server_->emitActionInvoked(pause, "open");
    EXPECT_TRUE(waitAsked(*modem_, call, "Accept")) << daemon_->log();
    bool answered = waitFor(
        [&] {
            for (const auto& row : journal())
                if (std::get<3>(row).count("action") && std::get<3>(row).at("action") == "answered")
                    return true;
            return false;
        },
        5s);
    EXPECT_TRUE(answered);
    std::string text = journalText();
    EXPECT_NE(text.find("Alex: a call (modemmanager); a pause came first (pause)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Alex: you answered their call after the pause"), std::string::npos)
        << text;
}

TEST_F(DaemonPhones, EndsACallToAStrictContactWithAKindNotice) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("strict")));
    std::string call = modem_->call<sdbus::ObjectPath>("OutgoingCall", "415-555-0100");
    ASSERT_TRUE(waitAsked(*modem_, call, "Hangup")) << daemon_->log();
    EXPECT_NE(waitShown("The call to Alex was ended"), 0u);
    auto seen = events("modemmanager");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0]["direction"], "outgoing");
    std::string text = journalText();
    EXPECT_NE(text.find("Alex: you reached for them (modemmanager); declined (strict)"),
              std::string::npos)
        << text;
}

TEST_F(DaemonPhones, SaysOnceWhenPolkitWillNotLetItEndACall) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("strict")));
    modem_->call("SetRefuseHangup", true);
    std::string first = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    ASSERT_TRUE(waitAsked(*modem_, first, "Hangup"));
    std::string second = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    ASSERT_TRUE(waitAsked(*modem_, second, "Hangup"));
    std::vector<std::string> problems;
    ASSERT_TRUE(waitFor(
        [&] {
            problems = field<std::vector<std::string>>(status(), "phone_problems");
            return !problems.empty();
        },
        5s));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("modemmanager: org.freedesktop.ModemManager1.Error.Core."
                               "Unauthorized"),
              std::string::npos)
        << problems[0];
    std::string log = daemon_->log();
    auto said = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1))
            ++n;
        return n;
    };
    EXPECT_EQ(said("A call could not be ended"), 1u) << log;
    auto seen = events("modemmanager");
    EXPECT_EQ(
        std::count_if(seen.begin(), seen.end(), [](auto& e) { return e["kind"] == "notice"; }), 1);
    EXPECT_EQ(std::count_if(
                  seen.begin(), seen.end(),
                  [](auto& e) { return e["kind"] == "call" && e["action"] == "hangup-refused"; }),
              2);
}

TEST_F(DaemonPhones, JournalsSmsBothWaysOnceAndWithoutTheirText) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("pause")));
    rememberSecret("meet me at the old place");
    rememberSecret("I miss you");
    rememberSecret("are you there");
    modem_->call<sdbus::ObjectPath>("SendSms", "+14155550100", std::string("I miss you"));
    // Sent by the person: reaching out, journaled at once.
    ASSERT_TRUE(waitFor([&] { return events("modemmanager").size() == 1; }, 10s)) << daemon_->log();
    EXPECT_EQ(events("modemmanager")[0]["direction"], "outgoing");
    // Received, and shown by the phone's messaging app too (Chats): counted once, there.
    modem_->call<sdbus::ObjectPath>("ReceiveSms", "(415) 555-0100", std::string("are you there"),
                                    false);
    std::uint32_t* chats = notify(*app_, "Chats", 0, "New message from Alex Morgan",
                                  "are you there", {{"desktop-entry", "sm.puri.Chatty"}});
    ASSERT_TRUE(waitWithheld(idOf(chats))) << daemon_->log();
    // Received with no notification anywhere: counted here, once the app had its chance.
    modem_->call<sdbus::ObjectPath>("ReceiveSms", "(415) 555-0100",
                                    std::string("meet me at the old place"), false);
    modem_->call<sdbus::ObjectPath>("ReceiveSms", kStrangerNumber, std::string("pizza?"), false);
    ASSERT_TRUE(waitFor([&] { return events("modemmanager").size() == 2; }, 25s)) << daemon_->log();
    auto seen = events("modemmanager");
    EXPECT_EQ(seen[1]["kind"], "message");
    EXPECT_EQ(seen[1]["direction"], "incoming");
    EXPECT_EQ(events("fdo").size(), 1u);  // the Chats notification
    for (const auto& row : journal())
        for (const auto& [key, value] : std::get<3>(row))
            EXPECT_EQ(value.find("miss"), std::string::npos) << key;
}

TEST_F(DaemonPhones, LetsARepeatCallRingOnlyWhenTheContactAllowsIt) {
    ASSERT_NO_FATAL_FAILURE(
        startWithModem(phonePolicy("strict", "    repeat_calls_break_through: true\n")));
    const auto rang = std::chrono::steady_clock::now();
    std::string first = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    ASSERT_TRUE(waitAsked(*modem_, first, "Hangup"));
    // Calls closer than two seconds are one call seen twice; a person redials slower than that.
    waitFor([&] { return std::chrono::steady_clock::now() - rang > 2500ms; }, 5s);
    std::string again = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    ASSERT_TRUE(waitFor([&] { return events("modemmanager").size() == 2; }, 10s));
    EXPECT_EQ(events("modemmanager")[1]["action"], "ring");
    EXPECT_EQ(modem_->asked(again, "Hangup"), 0);
}

TEST_F(DaemonPhones, FollowsModemManagerThroughARestartAndCanBeSwitchedOff) {
    ASSERT_NO_FATAL_FAILURE(startWithModem(phonePolicy("strict")));
    modem_->stop();
    ASSERT_TRUE(waitPresent("modemmanager", false));
    modem_->start();
    modem_->call<sdbus::ObjectPath>("AddModem");
    ASSERT_TRUE(waitPresent("modemmanager"));
    std::string call = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    ASSERT_TRUE(waitAsked(*modem_, call, "Hangup")) << daemon_->log();

    daemon_->writePolicy(phonePolicy("strict", "", "sources: { modemmanager: false }\n"));
    ASSERT_TRUE(reload().first);
    ASSERT_TRUE(waitPresent("modemmanager", false));
    std::string ignored = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    modem_->call("SetCallState", sdbus::ObjectPath(ignored), 7);  // TERMINATED: it rang out
    daemon_->writePolicy(phonePolicy("strict"));
    ASSERT_TRUE(reload().first);
    ASSERT_TRUE(waitPresent("modemmanager"));
    // Followed again from here on; the call that rang out while it was off was never touched.
    std::string later = modem_->call<sdbus::ObjectPath>("IncomingCall", kAlexNumber);
    ASSERT_TRUE(waitAsked(*modem_, later, "Hangup"));
    EXPECT_EQ(modem_->asked(ignored, "Hangup"), 0);
}

}  // namespace
