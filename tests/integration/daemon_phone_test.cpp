// SPDX-License-Identifier: GPL-3.0-or-later
// Phones and calls through the real nocontactd: ModemManager on a private system bus, GNOME
// Calls and KDE Connect on the test's session bus, each a faithful fake (tests/fakes/). The
// rows of DESIGN.md §4 that involve calls and SMS, numbers in many shapes, and strangers
// never touched.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_process.hpp"
#include "tests/integration/phone_fake.hpp"

namespace {

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::PhoneFake;
using nocontact::testing::PrivateBus;
using namespace std::chrono_literals;

const std::string kFakes = std::string(NOCONTACT_SOURCE_ROOT) + "/tests/fakes/";
constexpr const char* kAlexNumber = "+1 415 555 0100";
constexpr const char* kStrangerNumber = "+1 415 555 0199";

// Alex at `strictness`, known by name and number, with `more` contact keys.
std::string phonePolicy(const std::string& strictness, const std::string& more = "",
                        const std::string& sources = "") {
    return "version: 1\ndefaults: { strictness: " + strictness +
           ", pause: 3s, region: US }\ncontacts:\n  - name: Alex\n    since: 2024-12-10\n"
           "    reasons: [\"You asked for this space for good reasons.\"]\n"
           "    match: { names: [\"Alex Morgan\"], phones: [\"" +
           kAlexNumber + "\"] }\n" + more + sources;
}

using JournalRow =
    sdbus::Struct<std::int64_t, std::string, std::string, std::map<std::string, std::string>>;

class DaemonPhones : public DaemonTest {
  protected:
    void TearDown() override {
        kde_.reset();
        modem_.reset();
        calls_.reset();
        DaemonTest::TearDown();
    }

    // The daemon with ModemManager on a private system bus.
    void startWithModem(const std::string& policy) {
        system_ = std::make_unique<PrivateBus>();
        modem_ = std::make_unique<PhoneFake>(kFakes + "modemmanager.py", "DBUS_SYSTEM_BUS_ADDRESS",
                                             system_->address());
        modem_->call<sdbus::ObjectPath>("AddModem");
        system_bus_ = system_->address();
        ASSERT_NO_FATAL_FAILURE(startDaemon(policy));
        ASSERT_TRUE(waitPresent("modemmanager")) << daemon_->log();
    }

    bool waitPresent(const std::string& source, bool present = true) {
        return waitFor(
            [&] {
                auto phones = field<std::vector<std::string>>(status(), "phones");
                return (std::find(phones.begin(), phones.end(), source) != phones.end()) == present;
            },
            10s);
    }

    bool waitAsked(PhoneFake& fake, const std::string& path, const std::string& method) {
        return waitFor([&] { return fake.asked(path, method) > 0; }, 10s);
    }

    // The whole journal. Asked without blocking: the daemon may be posting a notification to
    // this process's fake server at the same moment.
    std::vector<JournalRow> journal() {
        std::optional<std::vector<JournalRow>> rows;
        auto pending = client_->proxy()
                           .callMethodAsync("Journal")
                           .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                           .withArguments(std::int64_t{0})
                           .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error,
                                                const std::vector<JournalRow>& r) {
                               rows = error ? std::vector<JournalRow>{} : r;
                           });
        EXPECT_TRUE(waitFor([&] { return rows.has_value(); }, 10s)) << "Journal hung";
        return rows.value_or(std::vector<JournalRow>{});
    }

    // What `nocontactctl journal` prints, as a person would read it.
    std::string journalText() {
        const std::string out_file = bus_.dir() + "/journal.txt";
        pid_t pid = fork();
        if (pid == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            setenv("LANGUAGE", "C", 1);
            int fd = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(fd, STDOUT_FILENO);
            execl(NOCONTACTCTL, NOCONTACTCTL, "journal", static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        EXPECT_TRUE(waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 20s));
        std::ifstream in(out_file);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    // The journal's events about calls or messages from `source`.
    std::vector<std::map<std::string, std::string>> events(const std::string& source) {
        std::vector<std::map<std::string, std::string>> out;
        for (const auto& row : journal()) {
            auto details = std::get<3>(row);
            if (std::get<1>(row) == "event" && details["source"] == source) out.push_back(details);
        }
        return out;
    }

    // The id of the daemon's notification titled `summary`, once it is shown (0 if never).
    std::uint32_t waitShown(const std::string& summary) {
        std::uint32_t id = 0;
        waitFor(
            [&] {
                for (const auto& [shown_id, shown] : server_->shown())
                    if (shown.summary == summary) id = shown_id;
                return id != 0;
            },
            10s);
        return id;
    }

    // Waits until notification `id` offers the action `key`.
    bool waitAction(std::uint32_t id, const std::string& key) {
        return waitFor(
            [&] {
                for (const auto& call : server_->calls()) {
                    if (call.member != "Notify" || call.id != id) continue;
                    if (std::find(call.actions.begin(), call.actions.end(), key) !=
                        call.actions.end())
                        return true;
                }
                return false;
            },
            10s);
    }

    // The daemon with a KDE Connect that has one paired phone, "pixel".
    void startWithKdeConnect(const std::string& policy) {
        kde_ = std::make_unique<PhoneFake>(kFakes + "kdeconnect.py", "DBUS_SESSION_BUS_ADDRESS",
                                           bus_.address());
        kde_->call("AddDevice", std::string("pixel"), std::string("Pixel 7"));
        ASSERT_NO_FATAL_FAILURE(startDaemon(policy));
        ASSERT_TRUE(waitPresent("kdeconnect")) << daemon_->log();
    }

    // The daemon with GNOME Calls running.
    void startWithCalls(const std::string& policy) {
        calls_ = std::make_unique<PhoneFake>(kFakes + "gnome_calls.py", "DBUS_SESSION_BUS_ADDRESS",
                                             bus_.address());
        ASSERT_NO_FATAL_FAILURE(startDaemon(policy));
        ASSERT_TRUE(waitPresent("gnome_calls")) << daemon_->log();
    }

    // KDE Connect's desktop copy of a phone notification, as KNotifications posts it.
    std::uint32_t* desktopCopy(const std::string& summary, const std::string& body) {
        return notify(
            *app_, "KDE Connect", 0, summary, body,
            {{"desktop-entry", "org.kde.kdeconnect.daemon"}, {"x-kde-appname", "kdeconnect"}});
    }

    static std::int64_t nowMs() {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }

    std::unique_ptr<PrivateBus> system_;
    std::unique_ptr<PhoneFake> modem_, calls_, kde_;
};

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
