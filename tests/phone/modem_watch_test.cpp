// SPDX-License-Identifier: GPL-3.0-or-later
// ModemWatch (dbus/modem_watch.hpp) against tests/fakes/modemmanager.py on a private system bus:
// calls and SMS reported once each, hang-ups and answers passed on, restarts and bad signals.
#include "dbus/modem_watch.hpp"

#include "dbus/modem_decode.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fake_modemmanager.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using fakes::connect;
using fakes::FakeModemManager;
using fakes::kFakeInterface;
using fakes::kFakePath;
using fakes::kMM;
using testing::waitUntil;

constexpr int kActive = 4;  // MM_CALL_STATE_ACTIVE
constexpr int kHeld = 5;    // MM_CALL_STATE_HELD
// Generous: the fake is a Python process that may share two cores with other builds.
constexpr auto kDeadline = 20s;

class AModemWatch : public ::testing::Test {
  protected:
    void SetUp() override {
        bus_ = connect(private_.address());
        control_ = connect(private_.address());
        ASSERT_NE(bus_, nullptr);
        ASSERT_NE(control_, nullptr);
    }

    void TearDown() override {
        watch_.reset();
        if (fake_) {
            EXPECT_EQ(fake_->stop(), 0) << "the fake did not exit cleanly on SIGTERM";
        }
        sd_bus_flush_close_unref(bus_);
        sd_bus_flush_close_unref(control_);
    }

    void startFake(std::vector<std::string> args = {}) {
        fake_ = std::make_unique<FakeModemManager>(private_.address(), std::move(args));
        ASSERT_TRUE(waitUntil([&] { return fakeIsUp(); }, kDeadline)) << "the fake never came";
    }

    void startWatch() {
        ModemWatch::Callbacks callbacks;
        callbacks.call = [this](const PhoneCall& call) { calls_.push_back(call); };
        callbacks.gone = [this](const std::string& path) { gone_.push_back(path); };
        callbacks.sms = [this](const PhoneSms& sms) { sms_.push_back(sms); };
        callbacks.presence = [this](bool present) { presence_.push_back(present); };
        watch_ = std::make_unique<ModemWatch>(bus_, std::move(callbacks));
        watch_->start();
    }

    void startBoth() {
        startFake();
        startWatch();
        ASSERT_TRUE(waitFor([&] { return !presence_.empty(); }));
        ASSERT_EQ(presence_, std::vector<bool>{true});
    }

    bool fakeIsUp() {
        int has = 0;
        sd_bus_message* reply = nullptr;
        int r =
            sd_bus_call_method(control_, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus", "NameHasOwner", nullptr, &reply, "s", kMM);
        if (r >= 0) sd_bus_message_read(reply, "b", &has);
        sd_bus_message_unref(reply);
        return has != 0;
    }

    // One step of the watch's connection: everything queued, then a short wait for more.
    void step() {
        while (sd_bus_process(bus_, nullptr) > 0) {
        }
        sd_bus_wait(bus_, 10000);
    }

    bool waitFor(const std::function<bool()>& done) {
        return waitUntil(done, kDeadline, [this] { step(); });
    }

    // Calls the fake's control interface; the reply (to read with sd_bus_message_read) is
    // owned by the fixture.
    template <typename... Args>
    sd_bus_message* control(const char* member, const char* types, Args... args) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_call_method(control_, kMM, kFakePath, kFakeInterface, member, &error, &reply,
                                   types, args...);
        EXPECT_GE(r, 0) << member << ": " << (error.message ? error.message : "");
        sd_bus_error_free(&error);
        replies_.emplace_back(reply, &sd_bus_message_unref);
        return reply;
    }

    template <typename... Args>
    std::string controlPath(const char* member, const char* types, Args... args) {
        const char* path = nullptr;
        sd_bus_message* reply = control(member, types, args...);
        if (reply) {
            EXPECT_GE(sd_bus_message_read(reply, "o", &path), 0);
        }
        return path ? path : "";
    }

    std::vector<PhoneCall> callsAt(const std::string& path) const {
        std::vector<PhoneCall> found;
        for (const PhoneCall& call : calls_)
            if (call.path == path) found.push_back(call);
        return found;
    }

    bool reported(const std::string& path, PhoneCall::State state) const {
        for (const PhoneCall& call : callsAt(path))
            if (call.state == state) return true;
        return false;
    }

    bool isGone(const std::string& path) const {
        for (const std::string& gone : gone_)
            if (gone == path) return true;
        return false;
    }

    // Everything the fake sent before now has been handled once this call is reported: the
    // fake has one connection, and the bus keeps its order.
    void barrier() {
        std::string path = controlPath("IncomingCall", "s", "+15550000000");
        ASSERT_TRUE(waitFor([&] { return reported(path, PhoneCall::State::Ringing); }));
    }

    testing::PrivateBus private_;
    sd_bus* bus_ = nullptr;
    sd_bus* control_ = nullptr;
    std::unique_ptr<FakeModemManager> fake_;
    std::unique_ptr<ModemWatch> watch_;
    std::vector<std::unique_ptr<sd_bus_message, sd_bus_message* (*)(sd_bus_message*)>> replies_;
    std::vector<PhoneCall> calls_;
    std::vector<std::string> gone_;
    std::vector<PhoneSms> sms_;
    std::vector<bool> presence_;
};

TEST_F(AModemWatch, ReportsAnIncomingCallAsRingingWithItsNumber) {
    startBoth();
    std::string path = controlPath("IncomingCall", "s", "+447700900123");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    EXPECT_EQ(calls_[0].path, path);
    EXPECT_EQ(calls_[0].state, PhoneCall::State::Ringing);
    EXPECT_TRUE(calls_[0].incoming);
    EXPECT_EQ(calls_[0].number, "+447700900123");
}

TEST_F(AModemWatch, ReportsAnOutgoingCallAsDialing) {
    startBoth();
    std::string path = controlPath("OutgoingCall", "s", "+447700900124");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    EXPECT_EQ(calls_[0].path, path);
    EXPECT_EQ(calls_[0].state, PhoneCall::State::Dialing);
    EXPECT_FALSE(calls_[0].incoming);
    EXPECT_EQ(calls_[0].number, "+447700900124");
}

TEST_F(AModemWatch, ReportsEachStateChangeOnceThoughTheServiceSignalsItTwice) {
    startBoth();
    std::string path = controlPath("IncomingCall", "s", "+447700900125");
    ASSERT_TRUE(waitFor([&] { return reported(path, PhoneCall::State::Ringing); }));
    control("SetCallState", "oi", path.c_str(), kActive);
    control("SetCallState", "oi", path.c_str(), kActive);  // signalled again, unchanged
    control("SetCallState", "oi", path.c_str(), kHeld);
    control("SetCallState", "oi", path.c_str(), kActive);
    ASSERT_TRUE(waitFor([&] { return callsAt(path).size() >= 4; }));
    barrier();
    std::vector<PhoneCall> seen = callsAt(path);
    ASSERT_EQ(seen.size(), 4u);  // Ringing, Active (ACTIVE), Active (HELD), Active (ACTIVE)
    EXPECT_EQ(seen[1].state, PhoneCall::State::Active);
    EXPECT_EQ(seen[1].number, "+447700900125");
}

TEST_F(AModemWatch, HangsUpThroughTheServiceAndReportsTheCallEndedAndGone) {
    startBoth();
    std::string path = controlPath("IncomingCall", "s", "+447700900126");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    bool answered = false, ok = false;
    std::string error = "unset";
    watch_->hangup(path, [&](bool good, const std::string& why) {
        answered = true;
        ok = good;
        error = why;
    });
    ASSERT_TRUE(waitFor([&] { return answered && isGone(path); }));
    EXPECT_TRUE(ok) << error;
    EXPECT_TRUE(reported(path, PhoneCall::State::Ended));
    const char* recorded_path = nullptr;
    const char* member = nullptr;
    sd_bus_message* recorded = control("Recorded", "");
    ASSERT_GT(sd_bus_message_read(recorded, "a(ss)", 1, &recorded_path, &member), 0);
    EXPECT_EQ(std::string(recorded_path), path);
    EXPECT_STREQ(member, "Hangup");
}

TEST_F(AModemWatch, AcceptsACallThroughTheServiceAndReportsItActive) {
    startBoth();
    std::string path = controlPath("IncomingCall", "s", "+447700900127");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    bool answered = false, ok = false;
    watch_->accept(path, [&](bool good, const std::string&) {
        answered = true;
        ok = good;
    });
    ASSERT_TRUE(waitFor([&] { return answered && reported(path, PhoneCall::State::Active); }));
    EXPECT_TRUE(ok);
}

TEST_F(AModemWatch, PassesARefusedHangupsUnauthorizedErrorToDone) {
    startBoth();
    control("SetRefuseHangup", "b", 1);
    std::string path = controlPath("IncomingCall", "s", "+447700900128");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    bool answered = false, ok = true;
    std::string error;
    watch_->hangup(path, [&](bool good, const std::string& why) {
        answered = true;
        ok = good;
        error = why;
    });
    ASSERT_TRUE(waitFor([&] { return answered; }));
    EXPECT_FALSE(ok);
    EXPECT_EQ(error, "org.freedesktop.ModemManager1.Error.Core.Unauthorized: Not authorized");
    EXPECT_FALSE(isGone(path));
}

TEST_F(AModemWatch, PassesAHangupThatCannotBeSentToDone) {
    startBoth();
    bool answered = false, ok = true;
    watch_->hangup("not a path", [&](bool good, const std::string&) {
        answered = true;
        ok = good;
    });
    EXPECT_TRUE(answered);
    EXPECT_FALSE(ok);
}

TEST_F(AModemWatch, ReportsAReceivedSmsWithNumberTextAndIncoming) {
    startBoth();
    std::string path = controlPath("ReceiveSms", "ssb", "+447700900129", "See you at 7", 0);
    ASSERT_TRUE(waitFor([&] { return !sms_.empty(); }));
    EXPECT_EQ(sms_[0].path, path);
    EXPECT_TRUE(sms_[0].incoming);
    EXPECT_EQ(sms_[0].number, "+447700900129");
    EXPECT_EQ(sms_[0].text, "See you at 7");
}

TEST_F(AModemWatch, ReportsAMultipartSmsOnlyOnceWhenItIsReceived) {
    startBoth();
    std::string path = controlPath("ReceiveSms", "ssb", "+447700900130", "A long story, whole", 1);
    barrier();
    EXPECT_TRUE(sms_.empty()) << "reported while still RECEIVING";
    control("Complete", "o", path.c_str());
    ASSERT_TRUE(waitFor([&] { return !sms_.empty(); }));
    controlPath("ReceiveSms", "ssb", "+447700900131", "next", 0);
    ASSERT_TRUE(waitFor([&] { return sms_.size() >= 2; }));
    EXPECT_EQ(sms_.size(), 2u);
    EXPECT_EQ(sms_[0].path, path);
    EXPECT_EQ(sms_[0].text, "A long story, whole");
    EXPECT_TRUE(sms_[0].incoming);
    EXPECT_EQ(sms_[1].number, "+447700900131");
}

TEST_F(AModemWatch, ReportsASentSmsOnceAsNotIncoming) {
    startBoth();
    std::string path = controlPath("SendSms", "ss", "+447700900132", "On my way");
    ASSERT_TRUE(waitFor([&] { return !sms_.empty(); }));
    barrier();
    ASSERT_EQ(sms_.size(), 1u);
    EXPECT_EQ(sms_[0].path, path);
    EXPECT_FALSE(sms_[0].incoming);
    EXPECT_EQ(sms_[0].number, "+447700900132");
    EXPECT_EQ(sms_[0].text, "On my way");
}

TEST_F(AModemWatch, FollowsAModemAddedAfterStartAndForgetsItWhenRemoved) {
    startBoth();
    const char* modem = nullptr;
    const char* path = nullptr;
    // Its call is announced by no CallAdded: only listing the new modem finds it.
    sd_bus_message* reply = control("AddModemWithCall", "s", "+447700900133");
    ASSERT_GE(sd_bus_message_read(reply, "oo", &modem, &path), 0);
    ASSERT_TRUE(waitFor([&] { return reported(path, PhoneCall::State::Ringing); }));
    EXPECT_EQ(callsAt(path)[0].number, "+447700900133");
    control("RemoveModem", "o", modem);
    ASSERT_TRUE(waitFor([&] { return isGone(path); }));
}

TEST_F(AModemWatch, ReportsCallsThatExistedBeforeItStarted) {
    startFake({"--incoming", "+447700900134"});
    startWatch();
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    EXPECT_EQ(calls_[0].number, "+447700900134");
    EXPECT_EQ(calls_[0].state, PhoneCall::State::Ringing);
    EXPECT_EQ(presence_, std::vector<bool>{true});
}

TEST_F(AModemWatch, DoesNotReportSmsStoredBeforeItStarted) {
    startFake({"--incoming", "+447700900141", "--stored-sms", "+447700900140"});
    startWatch();
    // The call is read after the SMS is listed (ListCalls, List, then a GetAll for each), and
    // the barrier's call after the SMS's GetAll was sent: its answer has come by then.
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    barrier();
    EXPECT_TRUE(sms_.empty()) << "an old message was reported as news";
}

TEST_F(AModemWatch, ReportsAbsenceOldCallsGoneAndNewCallsWhenTheServiceRestarts) {
    startBoth();
    std::string old_call = controlPath("IncomingCall", "s", "+447700900135");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    EXPECT_EQ(fake_->stop(), 0);
    ASSERT_TRUE(waitFor([&] { return presence_.size() >= 2 && isGone(old_call); }));
    EXPECT_EQ(presence_, (std::vector<bool>{true, false}));
    calls_.clear();
    startFake({"--incoming", "+447700900136"});
    ASSERT_TRUE(waitFor([&] { return presence_.size() >= 3 && !calls_.empty(); }));
    EXPECT_EQ(presence_, (std::vector<bool>{true, false, true}));
    EXPECT_EQ(calls_[0].number, "+447700900136");
    EXPECT_EQ(calls_[0].state, PhoneCall::State::Ringing);
}

TEST_F(AModemWatch, FollowsTheServiceWhenItAppearsAfterStart) {
    startWatch();
    ASSERT_TRUE(waitFor([&] { return !presence_.empty(); }));
    EXPECT_EQ(presence_, std::vector<bool>{false});
    startFake();
    ASSERT_TRUE(waitFor([&] { return presence_.size() >= 2; }));
    EXPECT_EQ(presence_, (std::vector<bool>{false, true}));
    std::string path = controlPath("IncomingCall", "s", "+447700900137");
    ASSERT_TRUE(waitFor([&] { return reported(path, PhoneCall::State::Ringing); }));
}

TEST_F(AModemWatch, SurvivesMalformedSignalsAndReportsALaterGoodCall) {
    startBoth();
    std::string before = controlPath("IncomingCall", "s", "+447700900139");
    ASSERT_TRUE(waitFor([&] { return !calls_.empty(); }));
    std::string bad = controlPath("Malformed", "");
    std::string good = controlPath("IncomingCall", "s", "+447700900138");
    ASSERT_TRUE(waitFor([&] { return reported(good, PhoneCall::State::Ringing); }));
    for (const PhoneCall& call : calls_) {
        EXPECT_TRUE(call.path == before || call.path == good || call.path == bad) << call.path;
        if (call.path != bad) continue;
        EXPECT_EQ(call.number, "");                      // an int32 Number is not read
        EXPECT_EQ(call.state, PhoneCall::State::Other);  // nor a string State
    }
    EXPECT_TRUE(sms_.empty());
    EXPECT_EQ(presence_, std::vector<bool>{true});
    EXPECT_TRUE(gone_.empty()) << "a malformed InterfacesRemoved dropped the modem's calls";
    EXPECT_EQ(callsAt(good)[0].number, "+447700900138");
}

}  // namespace
}  // namespace nocontact::dbus
