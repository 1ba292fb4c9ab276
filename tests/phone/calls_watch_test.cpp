// SPDX-License-Identifier: GPL-3.0-or-later
// CallsWatch (dbus/calls_watch.hpp) against tests/fakes/gnome_calls.py on a private bus: each
// call's state reported, hang-ups and answers passed on, restarts and bad signals.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dbus/calls_watch.hpp"
#include "fake_calls.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using testing::waitUntil;
using State = PhoneCall::State;
using fakes::Control;
using fakes::FakeCalls;

sd_bus* connect(const std::string& address) {
    sd_bus* bus = nullptr;
    if (sd_bus_new(&bus) < 0) return nullptr;
    if (sd_bus_set_address(bus, address.c_str()) < 0 || sd_bus_set_bus_client(bus, 1) < 0 ||
        sd_bus_start(bus) < 0)
        return sd_bus_flush_close_unref(bus);
    return bus;
}

class ACallsWatch : public ::testing::Test {
  protected:
    void SetUp() override {
        watch_bus_ = connect(bus_.address());
        control_bus_ = connect(bus_.address());
        ASSERT_NE(watch_bus_, nullptr);
        ASSERT_NE(control_bus_, nullptr);
    }

    void TearDown() override {
        watch_.reset();
        if (fake_) {
            EXPECT_TRUE(fake_->stop()) << "the fake did not exit cleanly on SIGTERM";
        }
        fake_.reset();
        sd_bus_flush_close_unref(watch_bus_);
        sd_bus_flush_close_unref(control_bus_);
    }

    void startFake() {
        fake_ = std::make_unique<FakeCalls>(bus_.address());
        ASSERT_TRUE(fake_->ready());
    }

    void startWatch() {
        CallsWatch::Callbacks callbacks;
        callbacks.call = [this](const PhoneCall& c) { calls_.push_back(c); };
        callbacks.gone = [this](const std::string& path) { gone_.push_back(path); };
        callbacks.presence = [this](bool present) { presence_.push_back(present); };
        watch_ = std::make_unique<CallsWatch>(watch_bus_, callbacks);
        watch_->start();
    }

    // Starts both and waits until the watch has seen the service.
    void startBoth() {
        startFake();
        startWatch();
        ASSERT_TRUE(until([&] { return presence_ == std::vector<bool>{true}; }));
    }

    void step() {
        while (sd_bus_process(watch_bus_, nullptr) > 0) {
        }
        sd_bus_wait(watch_bus_, 10000);
    }

    bool until(const std::function<bool()>& done) {
        return waitUntil(done, 10s, [this] { step(); });
    }
    bool reported(std::size_t n) {
        return until([&] { return calls_.size() >= n; });
    }
    bool isGone(const std::string& path) {
        return until([&] { return std::find(gone_.begin(), gone_.end(), path) != gone_.end(); });
    }

    std::vector<PhoneCall> reportsOf(const std::string& path) const {
        std::vector<PhoneCall> out;
        for (const PhoneCall& c : calls_)
            if (c.path == path) out.push_back(c);
        return out;
    }

    std::vector<State> states() const {
        std::vector<State> out;
        for (const PhoneCall& c : calls_)
            out.push_back(c.state);
        return out;
    }

    testing::PrivateBus bus_;
    sd_bus* watch_bus_ = nullptr;
    sd_bus* control_bus_ = nullptr;
    std::unique_ptr<FakeCalls> fake_;
    std::unique_ptr<CallsWatch> watch_;
    std::vector<PhoneCall> calls_;
    std::vector<std::string> gone_;
    std::vector<bool> presence_;

    Control control() { return Control(control_bus_); }
};

TEST_F(ACallsWatch, ReportsAnIncomingCallAsRingingWithItsNumberAndDisplayName) {
    startBoth();
    std::string path = control().incoming("+15551234567", "Alex Morgan");
    ASSERT_TRUE(reported(1));
    EXPECT_EQ(calls_[0].path, path);
    EXPECT_EQ(path, "/org/gnome/Calls/Call/1");
    EXPECT_TRUE(calls_[0].incoming);
    EXPECT_EQ(calls_[0].state, State::Ringing);
    EXPECT_EQ(calls_[0].number, "+15551234567");
    EXPECT_EQ(calls_[0].name, "Alex Morgan");
}

TEST_F(ACallsWatch, ReportsAnOutgoingCallAsDialing) {
    startBoth();
    std::string path = control().outgoing("+15550001111", "");
    ASSERT_TRUE(reported(1));
    EXPECT_EQ(calls_[0].path, path);
    EXPECT_FALSE(calls_[0].incoming);
    EXPECT_EQ(calls_[0].state, State::Dialing);
    EXPECT_EQ(calls_[0].number, "+15550001111");
    EXPECT_EQ(calls_[0].name, "");
}

TEST_F(ACallsWatch, ReportsEachChangeOfStateButNotOtherPropertyChanges) {
    startBoth();
    std::string path = control().incoming("+15551234567", "");
    ASSERT_TRUE(reported(1));
    control().setDisplayName(path, "Alex Morgan");  // the contact found later: not reported
    control().setState(path, 1);                    // ACTIVE
    control().setState(path, 2);                    // HELD: still talking, not reported
    control().setState(path, 7);                    // DISCONNECTED
    ASSERT_TRUE(reported(3));
    EXPECT_EQ(states(), (std::vector<State>{State::Ringing, State::Active, State::Ended}));
    EXPECT_EQ(calls_[1].name, "Alex Morgan");  // the new name comes with the next report
    EXPECT_EQ(calls_.size(), 3u);
}

TEST_F(ACallsWatch, ReportsACallWaitingAsRingingAndAnAmbiguousSixOnAFollowedCallAsOther) {
    startBoth();
    std::string waiting = control().waiting("+15552222222", "");
    std::string followed = control().incoming("+15553333333", "");
    ASSERT_TRUE(reported(2));
    control().setState(waiting, 6);   // the same again: still ringing, nothing to report
    control().setState(followed, 6);  // WAITING in the doc, DISCONNECTED in CallsCallState
    ASSERT_TRUE(reported(3));
    EXPECT_EQ(calls_[0].path, waiting);
    EXPECT_EQ(states(), (std::vector<State>{State::Ringing, State::Ringing, State::Other}));
    EXPECT_EQ(calls_[2].path, followed);
}

TEST_F(ACallsWatch, HangsUpThroughCallsAndThenReportsTheCallGone) {
    startBoth();
    std::string path = control().incoming("+15551234567", "Alex Morgan");
    ASSERT_TRUE(reported(1));
    std::optional<std::pair<bool, std::string>> result;
    watch_->hangup(path, [&](bool ok, const std::string& error) { result.emplace(ok, error); });
    ASSERT_TRUE(until([&] { return result.has_value(); }));
    EXPECT_TRUE(result->first) << result->second;
    ASSERT_TRUE(isGone(path));
    EXPECT_EQ(calls_.back().state, State::Ended);
    EXPECT_EQ(control().recorded(),
              (std::vector<std::pair<std::string, std::string>>{{path, "Hangup"}}));
}

TEST_F(ACallsWatch, ReportsACallTheOtherSideEndedAsEndedThenGone) {
    startBoth();
    std::string path = control().incoming("+15551234567", "");
    ASSERT_TRUE(reported(1));
    control().end(path);
    ASSERT_TRUE(isGone(path));
    EXPECT_EQ(states(), (std::vector<State>{State::Ringing, State::Ended}));
    EXPECT_TRUE(control().recorded().empty());
}

TEST_F(ACallsWatch, AcceptsThroughCallsAndThenReportsTheCallActive) {
    startBoth();
    std::string path = control().incoming("+15551234567", "");
    ASSERT_TRUE(reported(1));
    std::optional<bool> ok;
    watch_->accept(path, [&](bool good, const std::string&) { ok = good; });
    ASSERT_TRUE(reported(2));
    ASSERT_TRUE(until([&] { return ok.has_value(); }));
    EXPECT_TRUE(*ok);
    EXPECT_EQ(calls_[1].path, path);
    EXPECT_EQ(calls_[1].state, State::Active);
    EXPECT_EQ(control().recorded(),
              (std::vector<std::pair<std::string, std::string>>{{path, "Accept"}}));
}

TEST_F(ACallsWatch, ReportsTheCallsThatExistedBeforeItStarted) {
    startFake();
    std::string in = control().incoming("+15551234567", "Alex Morgan");
    std::string out = control().outgoing("+15550001111", "");
    startWatch();
    ASSERT_TRUE(reported(2));
    std::sort(calls_.begin(), calls_.end(),
              [](const PhoneCall& a, const PhoneCall& b) { return a.path < b.path; });
    EXPECT_EQ(calls_[0].path, in);
    EXPECT_EQ(calls_[0].state, State::Ringing);
    EXPECT_EQ(calls_[0].name, "Alex Morgan");
    EXPECT_EQ(calls_[1].path, out);
    EXPECT_EQ(calls_[1].state, State::Dialing);
    EXPECT_EQ(presence_, std::vector<bool>{true});
}

TEST_F(ACallsWatch, TakesARestartForAbsentThenPresentAndTheOldCallsForGone) {
    startBoth();
    std::string old_call = control().incoming("+15551234567", "");
    ASSERT_TRUE(reported(1));
    EXPECT_TRUE(fake_->stop());
    ASSERT_TRUE(isGone(old_call));
    ASSERT_TRUE(until([&] { return presence_.size() >= 2; }));
    startFake();
    ASSERT_TRUE(until([&] { return presence_.size() >= 3; }));
    EXPECT_EQ(presence_, (std::vector<bool>{true, false, true}));
    std::string new_call = control().incoming("+15559999999", "");
    EXPECT_EQ(new_call, old_call);  // the new instance counts from 1 again
    ASSERT_TRUE(reported(2));
    EXPECT_EQ(calls_[1].number, "+15559999999");
    EXPECT_EQ(calls_[1].state, State::Ringing);
}

TEST_F(ACallsWatch, FollowsTheServiceWhenItAppearsAfterTheWatchStarted) {
    startWatch();
    ASSERT_TRUE(until([&] { return !presence_.empty(); }));
    EXPECT_EQ(presence_, std::vector<bool>{false});
    startFake();
    ASSERT_TRUE(until([&] { return presence_.size() >= 2; }));
    EXPECT_EQ(presence_, (std::vector<bool>{false, true}));
    control().incoming("+15551234567", "");
    ASSERT_TRUE(reported(1));
    EXPECT_EQ(calls_[0].state, State::Ringing);
}

TEST_F(ACallsWatch, SurvivesMalformedSignalsAndStillReportsALaterCall) {
    startBoth();
    std::string first = control().incoming("+15551234567", "Alex Morgan");
    ASSERT_TRUE(reported(1));
    control().emitMalformed(first);
    const std::string unknown = "/org/gnome/Calls/Call/77";
    control().emitMalformed(unknown);
    std::string second = control().incoming("+15552222222", "");
    ASSERT_TRUE(until([&] { return reportsOf(second).size() == 1; }));
    EXPECT_EQ(reportsOf(second)[0].state, State::Ringing);
    control().setState(first, 1);  // the first call is still followed, unchanged
    ASSERT_TRUE(until([&] { return reportsOf(first).size() == 2; }));
    PhoneCall now = reportsOf(first)[1];
    EXPECT_EQ(now.state, State::Active);
    EXPECT_EQ(now.number, "+15551234567");
    EXPECT_EQ(now.name, "Alex Morgan");
    // The wrong-typed InterfacesAdded for Call/77 may add a call with nothing known of it,
    // but never with a made-up state, number or name.
    for (const PhoneCall& c : reportsOf(unknown)) {
        EXPECT_EQ(c.state, State::Other);
        EXPECT_EQ(c.number, "");
        EXPECT_EQ(c.name, "");
    }
    EXPECT_LE(reportsOf(unknown).size(), 1u);
    EXPECT_TRUE(gone_.empty());
}

TEST_F(ACallsWatch, BelievesOnlyTheServiceItself) {
    startBoth();
    // Another client sends what Calls would: a ringing call.
    ASSERT_GE(
        sd_bus_emit_signal(control_bus_, "/org/gnome/Calls", "org.freedesktop.DBus.ObjectManager",
                           "InterfacesAdded", "oa{sa{sv}}", "/org/gnome/Calls/Call/5", 1,
                           "org.gnome.Calls.Call", 2, "State", "u", 5, "Id", "s", "+1555"),
        0);
    std::string real = control().incoming("+15551234567", "");
    ASSERT_TRUE(reported(1));
    for (int i = 0; i < 5; ++i)
        step();
    ASSERT_EQ(calls_.size(), 1u);
    EXPECT_EQ(calls_[0].path, real);
}

TEST_F(ACallsWatch, ReportsAnErrorWhenHangingUpACallThatDoesNotExist) {
    startBoth();
    std::optional<std::pair<bool, std::string>> missing;
    std::optional<std::pair<bool, std::string>> not_a_path;
    watch_->hangup("/org/gnome/Calls/Call/99",
                   [&](bool ok, const std::string& error) { missing.emplace(ok, error); });
    watch_->accept("not a path",
                   [&](bool ok, const std::string& error) { not_a_path.emplace(ok, error); });
    ASSERT_TRUE(until([&] { return missing.has_value() && not_a_path.has_value(); }));
    EXPECT_FALSE(missing->first);
    EXPECT_NE(missing->second.find("org.freedesktop.DBus.Error."), std::string::npos)
        << missing->second;
    EXPECT_FALSE(not_a_path->first);
    EXPECT_FALSE(not_a_path->second.empty());
    EXPECT_TRUE(control().recorded().empty());
}

}  // namespace
}  // namespace nocontact::dbus
