// SPDX-License-Identifier: GPL-3.0-or-later
// The reflective pause's logic against a fake Notifier: deterministic, driven by tick().
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/pause/notifier.hpp"
#include "daemon/pause/pause.hpp"
#include "daemon/strings.hpp"
#include "pause_fixture.hpp"

namespace nocontact::daemon {
namespace {

using fakes::APause;
using fakes::FakeNotifier;
using fakes::FakeTicker;
using fakes::keysOf;
using Which = PauseChoice::Which;

TEST_F(APause, PostsOneNotificationWithTitleDayCountReasonAndCountdown) {
    ASSERT_TRUE(presenter.open(alex()));
    ASSERT_EQ(notifier.posts.size(), 1u);
    EXPECT_EQ(now().summary, "Alex wrote — take a breath");
    EXPECT_EQ(now().body,
              "Day 14 of your space from Alex.\nHe only writes when he's bored.\n"
              "You can read it in 3 seconds.");
    EXPECT_EQ(now().value, 0);
    EXPECT_TRUE(ticker.running);
}

TEST_F(APause, OffersOnlyLetItGoDuringTheCountdown) {
    presenter.open(alex());
    EXPECT_EQ(keysOf(now()), std::vector<std::string>{"let-go"});
    presenter.tick();
    EXPECT_EQ(keysOf(now()), std::vector<std::string>{"let-go"});
}

TEST_F(APause, CountsDownInPlaceWithTheProgressHint) {
    presenter.open(alex());
    presenter.tick();
    ASSERT_EQ(notifier.updates.size(), 1u);
    EXPECT_EQ(notifier.updates[0].first, handle());
    EXPECT_NE(now().body.find("You can read it in 2 seconds."), std::string::npos);
    EXPECT_EQ(now().value, 33);
    presenter.tick();
    EXPECT_NE(now().body.find("in 1 second."), std::string::npos);
    EXPECT_EQ(notifier.posts.size(), 1u);
}

TEST_F(APause, OffersReadItAndLaterWhenTheCountdownEnds) {
    presenter.open(alex());
    countDown(3);
    EXPECT_EQ(keysOf(now()), (std::vector<std::string>{"read", "later", "let-go"}));
    EXPECT_EQ(now().value, 100);
    EXPECT_EQ(now().body.find("seconds"), std::string::npos);
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, StopsUpdatingOnceTheCountdownIsOver) {
    presenter.open(alex());
    countDown(3);
    std::size_t updates = notifier.updates.size();
    presenter.tick();
    EXPECT_EQ(notifier.updates.size(), updates);
}

TEST_F(APause, LeavesOutTheDayCountWithoutASinceDate) {
    PauseRequest request = alex();
    request.day_count.reset();
    presenter.open(request);
    EXPECT_EQ(now().body.find("Day"), std::string::npos);
}

TEST_F(APause, FoldsASecondMessageFromTheSameContactIntoTheOpenPause) {
    presenter.open(alex({1}));
    presenter.open(alex({2}));
    presenter.open(alex({3}));
    EXPECT_EQ(notifier.posts.size(), 1u);
    EXPECT_EQ(notifier.updates.size(), 0u) << "folded in; shown at the countdown's next second";
    countDown(1);
    EXPECT_EQ(now().summary, "Alex wrote 3 messages — take a breath");
    EXPECT_NE(now().body.find("You can read them in"), std::string::npos);
    countDown(3);
    notifier.press(handle(), "later");
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].held_ids, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(APause, CountsAMessageOfferedAgainWhileItShowsOnce) {
    presenter.open(alex({1, 2}));
    presenter.open(alex({1, 2}));  // a second digest while the first still shows
    presenter.open(alex({2, 3}));
    countDown(3);
    EXPECT_EQ(now().summary, "Alex wrote 3 messages — take a breath");
    notifier.press(handle(), "read");
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].held_ids, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(APause, ShowsMessagesFoldedInAfterTheCountdownAtTheNextSecondAndThenRests) {
    presenter.open(alex({1}));
    countDown(3);
    EXPECT_FALSE(ticker.running) << "the countdown is over: nothing ticks";
    const std::size_t updates = notifier.updates.size();
    presenter.open(alex({2}));
    presenter.open(alex({3}));
    EXPECT_EQ(notifier.updates.size(), updates);
    ASSERT_TRUE(ticker.running);
    countDown(1);
    ASSERT_EQ(notifier.updates.size(), updates + 1) << "two messages, one update";
    EXPECT_EQ(now().summary, "Alex wrote 3 messages — take a breath");
    EXPECT_FALSE(ticker.running) << "nothing more to show: no more wake-ups";
}

TEST_F(APause, GivesEachContactTheirOwnPause) {
    presenter.open(alex());
    PauseRequest sam = alex({9});
    sam.contact = "Sam";
    presenter.open(sam);
    EXPECT_EQ(notifier.posts.size(), 2u);
    EXPECT_TRUE(presenter.isOpen("Alex"));
    EXPECT_TRUE(presenter.isOpen("Sam"));
}

TEST_F(APause, ReportsReadItWithTheHeldIdsAndClosesThePause) {
    presenter.open(alex({4, 5}));
    countDown(3);
    notifier.press(handle(), "read");
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::ReadIt);
    EXPECT_EQ(choices[0].contact, "Alex");
    EXPECT_EQ(choices[0].app_name, "Signal");
    EXPECT_EQ(choices[0].held_ids, (std::vector<std::int64_t>{4, 5}));
    EXPECT_EQ(notifier.closed, std::vector<Notifier::Handle>{handle()});
    EXPECT_FALSE(presenter.isOpen("Alex"));
}

TEST_F(APause, ReportsLater) {
    presenter.open(alex());
    countDown(3);
    notifier.press(handle(), "later");
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::Later);
}

TEST_F(APause, LetsItGoAtOnceDuringTheCountdown) {
    presenter.open(alex());
    notifier.press(handle(), "let-go");
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::LetGo);
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, IgnoresReadItBeforeTheCountdownEnds) {
    presenter.open(alex());
    notifier.press(handle(), "read");
    EXPECT_TRUE(choices.empty());
    EXPECT_TRUE(presenter.isOpen("Alex"));
}

TEST_F(APause, ReportsClosingWithoutAChoiceApartFromLater) {
    presenter.open(alex());
    notifier.dismiss(handle(), CloseReason::Expired);
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::ClosedWithoutChoice);
    EXPECT_FALSE(presenter.isOpen("Alex"));
    EXPECT_TRUE(notifier.closed.empty());
}

TEST_F(APause, AsksTheServerToKeepItUntilAChoiceAtNormalUrgency) {
    presenter.open(alex());
    EXPECT_TRUE(now().until_closed);
    EXPECT_EQ(now().urgency, Urgency::Normal);
    countDown(3);
    EXPECT_TRUE(now().until_closed);
}

TEST_F(APause, EndsAPauseTheServerLostWithoutReportingAChoice) {
    presenter.open(alex());
    notifier.showing.clear();  // the server restarted and forgot it
    presenter.tick();
    EXPECT_TRUE(choices.empty()) << "nobody chose anything";
    EXPECT_FALSE(presenter.isOpen("Alex"));
}

TEST_F(APause, EndsWithoutReportingAChoiceWhenTheServerRefusesItLater) {
    presenter.open(alex());
    presenter.tick();
    notifier.fail(handle());  // the update did not reach the server (it hung, then gave up)
    EXPECT_TRUE(choices.empty());
    EXPECT_FALSE(presenter.isOpen("Alex"));
    EXPECT_EQ(notifier.closed, std::vector<Notifier::Handle>{handle()}) << "and forgets it";
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, TriesAgainAfterALateRefusalJustAfterAServerChange) {
    presenter.open(alex());
    countDown(3);
    presenter.showAgain();
    const std::size_t updates = notifier.updates.size();
    notifier.fail(handle());
    EXPECT_TRUE(presenter.isOpen("Alex"));
    ASSERT_TRUE(ticker.running);
    presenter.tick();
    EXPECT_EQ(notifier.updates.size(), updates + 1);
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, StopsOfferingAMessageDecidedElsewhere) {
    presenter.open(alex({1, 2}));
    presenter.withdraw("Alex", 1);  // let go from the command line
    EXPECT_TRUE(presenter.isOpen("Alex"));
    countDown(3);
    EXPECT_EQ(now().summary, "Alex wrote — take a breath") << "one message left";
    notifier.press(handle(), "read");
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].held_ids, std::vector<std::int64_t>{2});
}

TEST_F(APause, ClosesWhenEveryMessageWasDecidedElsewhere) {
    presenter.open(alex({1, 2}));
    presenter.withdraw("Alex", 2);
    presenter.withdraw("Alex", 7);  // not one of its own: nothing changes
    presenter.withdraw("Alex", 1);
    EXPECT_FALSE(presenter.isOpen("Alex"));
    EXPECT_EQ(notifier.closed, std::vector<Notifier::Handle>{handle()}) << "closed on screen";
    EXPECT_TRUE(choices.empty());
    notifier.press(handle(), "let-go");  // a press that crossed the close
    EXPECT_TRUE(choices.empty());
}

TEST_F(APause, ShowsItAgainOnANewServerThatTakesAMomentToAnswer) {
    presenter.open(alex());
    for (int i = 0; i < 60; ++i)
        presenter.tick();  // the countdown is over: nothing updates it any more
    ASSERT_FALSE(ticker.running);
    notifier.reachable = false;  // another server took the name, and is not answering yet
    presenter.showAgain();
    EXPECT_TRUE(presenter.isOpen("Alex"));
    EXPECT_TRUE(ticker.running) << "it tries again next second";
    presenter.tick();
    notifier.reachable = true;
    const std::size_t updates = notifier.updates.size();
    presenter.tick();
    EXPECT_EQ(notifier.updates.size(), updates + 1);
    EXPECT_EQ(keysOf(notifier.updates.back().second),
              (std::vector<std::string>{"read", "later", "let-go"}));
    EXPECT_TRUE(choices.empty());
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, EndsAPauseNoNewServerWouldShowWithoutReportingAChoice) {
    presenter.open(alex());
    for (int i = 0; i < 60; ++i)
        presenter.tick();
    notifier.reachable = false;
    presenter.showAgain();
    for (int i = 0; i < 10 && presenter.isOpen("Alex"); ++i)
        presenter.tick();
    EXPECT_FALSE(presenter.isOpen("Alex"));
    EXPECT_TRUE(choices.empty());
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, OpensNothingWhenTheServerCannotBeReached) {
    notifier.reachable = false;
    EXPECT_FALSE(presenter.open(alex()));
    EXPECT_FALSE(presenter.isOpen("Alex"));
    EXPECT_FALSE(ticker.running);
}

TEST_F(APause, DismissClosesWithoutReportingAChoice) {
    presenter.open(alex());
    presenter.dismiss("Alex");
    EXPECT_TRUE(choices.empty());
    EXPECT_EQ(notifier.closed.size(), 1u);
    EXPECT_FALSE(presenter.isOpen("Alex"));
}

TEST_F(APause, NamesTheCommandsWhenTheServerHasNoButtons) {
    notifier.caps.actions = false;
    PauseRequest request = alex();
    request.contact = "Alex Morgan";
    presenter.open(request);
    EXPECT_TRUE(now().actions.empty());
    EXPECT_NE(now().body.find("nocontactctl let-go 'Alex Morgan'"), std::string::npos);
    countDown(3);
    EXPECT_TRUE(now().actions.empty());
    EXPECT_NE(now().body.find("nocontactctl read 'Alex Morgan'"), std::string::npos);
}

TEST_F(APause, KeepsUserTextPlainWithoutBodyMarkup) {
    PauseRequest request = alex();
    request.reasons = {"Tom & Jerry <3"};
    presenter.open(request);
    EXPECT_NE(now().body.find("Tom & Jerry <3"), std::string::npos);
    EXPECT_EQ(now().body.find("<b>"), std::string::npos);
}

TEST_F(APause, EscapesUserTextWithBodyMarkup) {
    notifier.caps.body_markup = true;
    PauseRequest request = alex();
    request.contact = "A<b>";
    request.reasons = {"Tom & Jerry <3"};
    presenter.open(request);
    EXPECT_NE(now().body.find("Tom &amp; Jerry &lt;3"), std::string::npos);
    EXPECT_NE(now().body.find("<b>Day 14</b> of your space from A&lt;b&gt;."), std::string::npos);
    EXPECT_EQ(now().summary, "A<b> wrote — take a breath");  // the summary is never markup
}

TEST_F(APause, RotatesThroughTheContactsReasons) {
    std::vector<std::string> shown;
    for (int i = 0; i < 3; ++i) {
        presenter.open(alex());
        shown.push_back(notifier.last().body);
        notifier.press(notifier.posts.back().first, "let-go");
    }
    EXPECT_NE(shown[0].find("bored"), std::string::npos);
    EXPECT_NE(shown[1].find("October"), std::string::npos);
    EXPECT_NE(shown[2].find("bored"), std::string::npos);
}

TEST_F(APause, RepostsAHeldMessageAsItWasAndOpensItsAppOnClick) {
    presenter.repost({.app_name = "Signal",
                      .app_icon = "signal-desktop",
                      .summary = "Alex",
                      .body = "are you up?",
                      .desktop_entry = "signal-desktop"});
    const NotificationContent& posted = notifier.last();
    EXPECT_EQ(posted.app_name, "Signal");
    EXPECT_EQ(posted.app_icon, "signal-desktop");
    EXPECT_EQ(posted.summary, "Alex");
    EXPECT_EQ(posted.body, "are you up?");
    EXPECT_EQ(posted.desktop_entry, "signal-desktop");
    EXPECT_EQ(keysOf(posted), std::vector<std::string>{"default"});
    notifier.press(notifier.posts.back().first, "default");
    EXPECT_EQ(launched, std::vector<std::string>{"signal-desktop"});
    EXPECT_TRUE(choices.empty());
}

TEST_F(APause, NudgesCalmlyWithLowUrgencyAndTransient) {
    presenter.nudge("Alex", 22);
    presenter.nudge("Alex", 22);
    ASSERT_EQ(notifier.posts.size(), 2u);
    EXPECT_EQ(notifier.posts[0].second.summary, "You don't have to answer tonight.");
    EXPECT_NE(notifier.posts[1].second.summary, notifier.posts[0].second.summary);
    EXPECT_EQ(notifier.last().urgency, Urgency::Low);
    EXPECT_TRUE(notifier.last().transient);
    EXPECT_TRUE(notifier.last().actions.empty());
}

TEST_F(APause, SaysTonightOnlyAtNight) {
    for (int hour : {5, 9, 13, 19}) {
        for (std::size_t turn = 0; turn < strings::nudgeCount(hour); ++turn) {
            presenter.nudge("Alex", hour);
            EXPECT_EQ(notifier.last().summary.find("tonight"), std::string::npos)
                << "at " << hour << ":00: " << notifier.last().summary;
        }
    }
    EXPECT_EQ(strings::nudge(0, 23), "You don't have to answer tonight.");
    EXPECT_EQ(strings::nudge(0, 2), "You don't have to answer tonight.");
}

}  // namespace
}  // namespace nocontact::daemon
