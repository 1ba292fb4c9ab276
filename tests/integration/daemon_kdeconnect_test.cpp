// SPDX-License-Identifier: GPL-3.0-or-later
// What a phone forwards through KDE Connect, with the real nocontactd: the desktop copy of a
// phone's notification, a ringing phone, and SMS, each counted once.
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

TEST_F(DaemonPhones, WithholdsTheDesktopCopyOfAPhoneNotificationOnlyThePhoneCouldPlace) {
    ASSERT_NO_FATAL_FAILURE(startWithKdeConnect(phonePolicy("pause")));
    rememberSecret("Running late, save me a seat");
    // No sender in the copy (no x-kde-eventId): its profile cannot say whose it is.
    std::uint32_t* copy = desktopCopy("WhatsApp", "Running late, save me a seat");
    ASSERT_NE(idOf(copy), 0u);
    kde_->call("PostNotification", std::string("pixel"), std::string("1"), std::string("WhatsApp"),
               std::string("Alex Morgan"), std::string("Running late, save me a seat"),
               std::string(""));
    EXPECT_TRUE(waitWithheld(*copy, 10s)) << daemon_->log();
    // Nothing was done to the phone's own notification.
    for (const auto& r : kde_->recorded())
        EXPECT_NE(std::get<1>(r), "dismiss") << std::get<0>(r);
}

TEST_F(DaemonPhones, WithholdsACopyThatComesAfterThePhonesNotification) {
    ASSERT_NO_FATAL_FAILURE(startWithKdeConnect(phonePolicy("pause")));
    kde_->call("PostNotification", std::string("pixel"), std::string("1"), std::string("Messages"),
               std::string("Alex Morgan"), std::string("call me?"), std::string(""));
    // Give the daemon time to have read the phone's notification first.
    ASSERT_TRUE(waitFor(
        [&] {
            return kde_->asked("/modules/kdeconnect/devices/pixel/notifications/1", "GetAll") > 0;
        },
        5s));
    std::uint32_t* copy = desktopCopy("Messages", "call me?");
    EXPECT_TRUE(waitWithheld(idOf(copy), 10s)) << daemon_->log();
    // One message, judged once: the phone's half found its copy and is not counted again.
    ASSERT_TRUE(waitFor([&] { return !events("fdo").empty(); }, 5s));
    EXPECT_TRUE(events("kdeconnect").empty());
}

TEST_F(DaemonPhones, CountsAPhoneNotificationThatHasNoDesktopCopy) {
    ASSERT_NO_FATAL_FAILURE(startWithKdeConnect(phonePolicy("pause")));
    kde_->call("PostNotification", std::string("pixel"), std::string("1"), std::string("Signal"),
               std::string("Alex Morgan"), std::string("hello?"), std::string(""));
    kde_->call("PostNotification", std::string("pixel"), std::string("2"), std::string("Signal"),
               std::string("Sam"), std::string("lunch?"), std::string(""));
    ASSERT_TRUE(waitFor([&] { return !events("kdeconnect").empty(); }, 20s)) << daemon_->log();
    auto seen = events("kdeconnect");
    ASSERT_EQ(seen.size(), 1u);  // Sam is no one's business
    EXPECT_EQ(seen[0]["kind"], "message");
    EXPECT_EQ(seen[0]["action"], "count");
}

TEST_F(DaemonPhones, CountsAPhoneRingingOnceAndSaysItCannotBeSilencedFromHere) {
    ASSERT_NO_FATAL_FAILURE(startWithKdeConnect(phonePolicy("firm")));
    kde_->call("Ring", std::string("pixel"), std::string("callReceived"),
               std::string(kStrangerNumber), std::string(kStrangerNumber));
    // Ringing: the phone's signal and KDE Connect's own desktop notification of it.
    kde_->call("Ring", std::string("pixel"), std::string("callReceived"), std::string("4155550100"),
               std::string("Alex Morgan"));
    std::uint32_t* copy =
        notify(*app_, "KDE Connect", 0, "Pixel 7", "Incoming call from Alex Morgan",
               {{"desktop-entry", "org.kde.kdeconnect.daemon"},
                {"x-kde-appname", "kdeconnect"},
                {"x-kde-eventId", "callReceived"}});
    ASSERT_NE(idOf(copy), 0u);
    // Missed, and no desktop copy (KDE Connect's notifications are off for it): the number is
    // what the phone knows them by.
    kde_->call("Ring", std::string("pixel"), std::string("missedCall"), std::string("4155550100"),
               std::string("4155550100"));
    ASSERT_TRUE(waitFor([&] { return !events("kdeconnect").empty(); }, 20s)) << daemon_->log();
    auto seen = events("kdeconnect");
    ASSERT_EQ(seen.size(), 1u);  // the ringing one was counted through its copy
    EXPECT_EQ(seen[0]["kind"], "missed_call");
    auto copies = events("fdo");
    ASSERT_EQ(copies.size(), 1u);
    EXPECT_EQ(copies[0]["kind"], "call");
    EXPECT_EQ(copies[0]["app"], "KDE Connect") << "as a person knows the app";
    EXPECT_EQ(copies[0]["app_id"], "kdeconnect");
    auto problems = field<std::vector<std::string>>(status(), "phone_problems");
    // Said once for the source, not once per call; and this test has no system bus either.
    EXPECT_EQ(std::count(problems.begin(), problems.end(),
                         "kdeconnect: a ringing call cannot be silenced from here"),
              1);
    EXPECT_EQ(std::count(problems.begin(), problems.end(), "modemmanager: no system bus"), 1);
}

TEST_F(DaemonPhones, TakesNoCallSeenTwiceForARepeatCall) {
    ASSERT_NO_FATAL_FAILURE(
        startWithKdeConnect(phonePolicy("strict", "    repeat_calls_break_through: true\n")));
    // One call: the phone's signal, then KDE Connect's notification of it a moment later.
    kde_->call("Ring", std::string("pixel"), std::string("callReceived"), std::string("4155550100"),
               std::string("Alex Morgan"));
    // The phone's signal was decided once Status says such a call cannot be ended here.
    ASSERT_TRUE(waitFor(
        [&] {
            auto problems = field<std::vector<std::string>>(status(), "phone_problems");
            return std::count(problems.begin(), problems.end(),
                              "kdeconnect: a call cannot be ended from here") == 1;
        },
        10s))
        << daemon_->log();
    std::uint32_t* copy =
        notify(*app_, "KDE Connect", 0, "Pixel 7", "Incoming call from Alex Morgan",
               {{"desktop-entry", "org.kde.kdeconnect.daemon"},
                {"x-kde-appname", "kdeconnect"},
                {"x-kde-eventId", "callReceived"}});
    ASSERT_NE(idOf(copy), 0u);
    ASSERT_TRUE(waitFor([&] { return !events("fdo").empty(); }, 10s)) << daemon_->log();
    EXPECT_EQ(events("fdo")[0]["action"], "reject");  // not "ring": it was not a second call
}

TEST_F(DaemonPhones, CountsEachNewSmsOnceAndLeavesTheirHistoryAlone) {
    ASSERT_NO_FATAL_FAILURE(startWithKdeConnect(phonePolicy("pause")));
    rememberSecret("are you awake");
    using Addresses = std::vector<std::string>;
    const std::string pixel = "pixel";
    // A conversation's history, asked for by an SMS app: old news.
    kde_->call("Sms", pixel, std::int64_t{7}, 1, 1, Addresses{"+14155550100"}, std::string("old"),
               nowMs() - 86'400'000);
    // A new thread's first message comes as created, then again as updated.
    kde_->call("SmsCreated", pixel, std::int64_t{7}, 2, 1, Addresses{"(415) 555-0100"},
               std::string("are you awake"), nowMs());
    kde_->call("Sms", pixel, std::int64_t{7}, 2, 1, Addresses{"(415) 555-0100"},
               std::string("are you awake"), nowMs());
    kde_->call("Sms", pixel, std::int64_t{7}, 5, 3, Addresses{"+14155550100"},
               std::string("a draft"), nowMs());  // not sent to anyone (yet)
    kde_->call("SmsOld", pixel, std::int64_t{7}, 3, 2, Addresses{"+14155550100"}, std::string("no"),
               nowMs());  // sent by the person, older struct
    kde_->call("Sms", pixel, std::int64_t{9}, 4, 1, Addresses{kStrangerNumber},
               std::string("pizza?"), nowMs());
    ASSERT_TRUE(waitFor([&] { return events("kdeconnect").size() >= 2; }, 25s)) << daemon_->log();
    auto seen = events("kdeconnect");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0]["direction"], "outgoing");  // journaled at once
    EXPECT_EQ(seen[1]["direction"], "incoming");  // after its app's notification had a chance
}

}  // namespace
