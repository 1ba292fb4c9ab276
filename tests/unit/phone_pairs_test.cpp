// SPDX-License-Identifier: GPL-3.0-or-later
// KDE Connect's two halves of what a phone sends, met on a clock and a timer the test moves by
// hand: the window's ten seconds pass in microseconds.
#include "daemon/phone_pairs.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/test_clock.hpp"
#include "tests/unit/engine_fixtures.hpp"

namespace {

using nocontact::daemon::PhonePairs;
using nocontact::daemon::phone::Half;
using nocontact::dbus::Observed;
using nocontact::policy::Decision;
using nocontact::policy::Engine;
using nocontact::policy::SysTime;
using nocontact::testing::HandTimer;
using nocontact::testing::TestClock;
using namespace std::chrono_literals;

const SysTime kNoon{std::chrono::seconds{1796342400 + 12 * 3600}};  // 2026-12-04 12:00 UTC

Decision alexs() {
    Decision d;
    d.contact = 0;
    return d;
}

Half phoneNotification(const std::string& title, const std::string& text,
                       Decision decision = alexs()) {
    Half half;
    half.decision = std::move(decision);
    half.action = "count";
    half.title = title;
    half.app = "Signal";
    half.text = text;
    half.event.text = text;
    return half;
}

Half ring(const std::string& caller) {
    Half half;
    half.decision = alexs();
    half.action = "rang-on";
    half.caller = caller;
    half.ring = true;
    return half;
}

Half sms(const std::string& source = "modemmanager") {
    Half half;
    half.decision = alexs();
    half.action = "count";
    half.source = source;
    return half;
}

Observed copy(const std::string& summary, const std::string& body,
              const std::string& event = "notification") {
    Observed o;
    o.notification.app_name = "KDE Connect";
    o.notification.summary = summary;
    o.notification.body = body;
    o.notification.hints["x-kde-eventId"] = event;
    return o;
}

class PhoneHalves : public ::testing::Test {
  protected:
    TestClock clock_{kNoon};
    HandTimer timer_{clock_};
    Engine engine_{nocontact::policy::testing::policyWith(nocontact::policy::testing::alex())};
    std::vector<std::string> placed_;
    std::vector<Half> recorded_;
    PhonePairs pairs_{PhonePairs::Context{
        .clock = clock_,
        .timer = timer_,
        .engine = engine_,
        .place =
            [this](const Observed& copy, Half half) {
                placed_.push_back(copy.notification.summary + " | " + half.text + half.caller);
            },
        .record = [this](const Half& half) { recorded_.push_back(half); },
    }};
};

TEST_F(PhoneHalves, HandTheWaitingHalfToItsCopy) {
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    timer_.advance(9s);
    auto half = pairs_.take(copy("Alex", "are you up?"), false);
    ASSERT_TRUE(half);
    EXPECT_EQ(half->text, "are you up?");
    EXPECT_EQ(half->source, "kdeconnect");
    EXPECT_EQ(half->decision.contact, 0u);
    EXPECT_TRUE(placed_.empty()) << "the copy's own judging places it, with the half handed back";
    timer_.advance(30s);
    EXPECT_TRUE(recorded_.empty()) << "a half that met its copy is not journaled alone";
}

TEST_F(PhoneHalves, PlaceACopyThatCameFirstWhenItsHalfComes) {
    EXPECT_FALSE(pairs_.take(copy("Signal", "<b>Alex</b><br/>tea &amp; cake?"), false));
    timer_.advance(4s);
    pairs_.meet(phoneNotification("Alex", "tea & cake?"));
    EXPECT_EQ(placed_, std::vector<std::string>{"Signal | tea & cake?"});
    timer_.advance(30s);
    EXPECT_TRUE(recorded_.empty());
    EXPECT_EQ(timer_.pending(), 0u);
}

TEST_F(PhoneHalves, LeaveACopyItsOwnProfilePlacedToTheMonitor) {
    pairs_.take(copy("Alex", "are you up?"), true);
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    EXPECT_TRUE(placed_.empty());
    timer_.advance(30s);
    EXPECT_TRUE(recorded_.empty()) << "the monitor judged the copy: the half is not counted again";
}

TEST_F(PhoneHalves, JournalAHalfWhoseCopyNeverCameAtTheEndOfTheWindowNotBefore) {
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    timer_.advance(9s);
    EXPECT_TRUE(recorded_.empty());
    timer_.advance(1s);
    ASSERT_EQ(recorded_.size(), 1u);
    EXPECT_EQ(recorded_[0].source, "kdeconnect");
    EXPECT_EQ(recorded_[0].action, "count");
    EXPECT_EQ(timer_.pending(), 0u) << "nothing left to wait for";
    // Too late for the copy now: it waits for a half of its own.
    EXPECT_FALSE(pairs_.take(copy("Alex", "are you up?"), false));
}

TEST_F(PhoneHalves, JournalEachOfSeveralHalvesAtItsOwnEndOfWindow) {
    pairs_.meet(phoneNotification("Alex", "one"));
    timer_.advance(4s);
    pairs_.meet(phoneNotification("Alex", "two"));
    timer_.advance(6s);
    ASSERT_EQ(recorded_.size(), 1u);
    EXPECT_EQ(recorded_[0].text, "one");
    timer_.advance(3s);
    EXPECT_EQ(recorded_.size(), 1u);
    timer_.advance(1s);
    ASSERT_EQ(recorded_.size(), 2u);
    EXPECT_EQ(recorded_[1].text, "two");
}

TEST_F(PhoneHalves, JournalTheNextHalfOnTimeWhenTheFirstMetItsCopy) {
    pairs_.meet(phoneNotification("Alex", "one"));
    timer_.advance(4s);
    pairs_.meet(phoneNotification("Alex", "two"));
    timer_.advance(1s);
    ASSERT_TRUE(pairs_.take(copy("Alex", "one"), false));
    timer_.advance(8s);  // 13 s after the first, 9 after the second
    EXPECT_TRUE(recorded_.empty());
    timer_.advance(1s);
    ASSERT_EQ(recorded_.size(), 1u);
    EXPECT_EQ(recorded_[0].text, "two");
}

TEST_F(PhoneHalves, JournalAHalfAtOnceWhenTheClockWasSetBackFurtherThanTheWindow) {
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    clock_.advance(-30s);
    timer_.fireAll();  // the loop's timer counts time passing, not the wall clock
    EXPECT_EQ(recorded_.size(), 1u) << "it would wait for the wall clock to come back";
    EXPECT_EQ(timer_.pending(), 0u);
}

TEST_F(PhoneHalves, NeverWaitLongerThanTheWindowForOneTimerWhenTheClockWasSetBackALittle) {
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    clock_.advance(-5s);
    timer_.fireAll();
    EXPECT_TRUE(recorded_.empty()) << "five seconds of its window are left by the clock";
    timer_.advance(4s);
    EXPECT_TRUE(recorded_.empty());
    timer_.advance(6s);
    EXPECT_TRUE(recorded_.empty()) << "the clock says 5 s since it came";
    timer_.advance(5s);
    EXPECT_EQ(recorded_.size(), 1u);
}

TEST_F(PhoneHalves, FollowTheContactByNameThroughAPolicyAppliedWhileTheyWait) {
    using nocontact::policy::testing::alex;
    nocontact::policy::Contact robin = alex();
    robin.name = "Robin";
    robin.names = {"Robin"};
    robin.phones = {"+14155550199"};
    nocontact::policy::Policy both;
    both.contacts = {robin, alex()};
    pairs_.meet(phoneNotification("Alex", "one"));
    pairs_.meet(phoneNotification("Alex", "two"));
    engine_ = Engine(both);  // Alex is now the second contact
    auto half = pairs_.take(copy("Alex", "one"), false);
    ASSERT_TRUE(half);
    EXPECT_EQ(half->decision.contact, 1u);
    timer_.advance(10s);
    ASSERT_EQ(recorded_.size(), 1u);
    EXPECT_EQ(recorded_[0].decision.contact, 1u);

    engine_ = Engine(nocontact::policy::testing::policyWith(alex()));  // Alex first again
    pairs_.meet(phoneNotification("Alex", "three"));
    pairs_.meet(phoneNotification("Alex", "four"));
    engine_ = Engine(nocontact::policy::testing::policyWith(robin));  // Alex is gone
    EXPECT_FALSE(pairs_.take(copy("Alex", "three"), false));
    timer_.advance(10s);
    EXPECT_EQ(recorded_.size(), 1u) << "nobody's half now";
}

TEST_F(PhoneHalves, DropAStrangersHalf) {
    pairs_.take(copy("Sam", "hi"), false);
    pairs_.meet(phoneNotification("Sam", "hi", Decision{}));
    timer_.advance(30s);
    EXPECT_TRUE(placed_.empty());
    EXPECT_TRUE(recorded_.empty());
}

TEST_F(PhoneHalves, NeverPairACopyOlderThanTheWindow) {
    pairs_.take(copy("Alex", "are you up?"), false);
    timer_.advance(11s);
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    EXPECT_TRUE(placed_.empty());
    timer_.advance(10s);
    EXPECT_EQ(recorded_.size(), 1u);
}

TEST_F(PhoneHalves, PairACallWithTheCopyThatNamesTheCaller) {
    pairs_.take(copy("Incoming call", "Alex Morgan is calling", "callReceived"), false);
    pairs_.take(copy("Alex Morgan", "Alex Morgan", "notification"), false);
    pairs_.meet(ring("Alex Morgan"));
    EXPECT_EQ(placed_, std::vector<std::string>{"Incoming call | Alex Morgan"});
}

TEST_F(PhoneHalves, TellACopyFromAnotherKindOfEventOrTextApart) {
    pairs_.take(copy("Alex", "are you up?", "callReceived"), false);
    pairs_.take(copy("Alex", "are you there?"), false);
    pairs_.take(copy("Robin", "are you up?"), false);
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    EXPECT_TRUE(placed_.empty());
}

TEST_F(PhoneHalves, CountAnSmsOnlyWhenNoMessageFromTheContactWasCountedAroundIt) {
    pairs_.waitForCount(sms());
    timer_.advance(10s);
    ASSERT_EQ(recorded_.size(), 1u);
    EXPECT_EQ(recorded_[0].source, "modemmanager");

    pairs_.waitForCount(sms());
    timer_.advance(5s);
    pairs_.counted("Alex");  // its messaging app's notification
    timer_.advance(10s);
    EXPECT_EQ(recorded_.size(), 1u);

    pairs_.counted("Alex");
    timer_.advance(8s);
    pairs_.waitForCount(sms());
    timer_.advance(10s);
    EXPECT_EQ(recorded_.size(), 1u) << "a notification just before it counts for it too";
    pairs_.waitForCount(sms());
    timer_.advance(10s);
    EXPECT_EQ(recorded_.size(), 2u) << "each count is taken once";
}

TEST_F(PhoneHalves, LetAPhoneNotificationJournaledAloneCountForAnSmsDueWithIt) {
    pairs_.meet(phoneNotification("Alex", "are you up?"));
    pairs_.waitForCount(sms("kdeconnect"));
    timer_.advance(10s);
    ASSERT_EQ(recorded_.size(), 1u);
    EXPECT_FALSE(recorded_[0].sms);
}

TEST_F(PhoneHalves, NeverHandAnSmsToADesktopCopy) {
    Half waiting = sms("kdeconnect");
    waiting.title = "Alex";
    waiting.app = "Signal";
    waiting.text = "are you up?";
    pairs_.waitForCount(waiting);
    EXPECT_FALSE(pairs_.take(copy("Alex", "are you up?"), false));
}

TEST_F(PhoneHalves, SeeEachConversationMessageOnce) {
    EXPECT_TRUE(pairs_.firstSight("phone", 4, 17));
    EXPECT_FALSE(pairs_.firstSight("phone", 4, 17));
    EXPECT_TRUE(pairs_.firstSight("phone", 4, 18));
    EXPECT_TRUE(pairs_.firstSight("tablet", 4, 17));
}

TEST_F(PhoneHalves, SetNoTimerAfterItIsGone) {
    {
        PhonePairs pairs{PhonePairs::Context{
            .clock = clock_,
            .timer = timer_,
            .engine = engine_,
            .place = [](const Observed&, Half) {},
            .record = [](const Half&) {},
        }};
        pairs.meet(phoneNotification("Alex", "are you up?"));
        EXPECT_EQ(timer_.pending(), 1u);
    }
    EXPECT_EQ(timer_.pending(), 0u);
}

}  // namespace
