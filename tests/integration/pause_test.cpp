// SPDX-License-Identifier: GPL-3.0-or-later
// The reflective pause's logic against a fake Notifier: deterministic, driven by tick().
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "daemon/notifier.hpp"
#include "daemon/pause.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::daemon {
namespace {

using Which = PauseChoice::Which;

// Records what the presenter shows; a test plays the server by calling press() and dismiss().
class FakeNotifier : public Notifier {
  public:
    Capabilities caps{.actions = true, .body_markup = false};
    std::map<Handle, NotificationContent> showing;
    std::vector<std::pair<Handle, NotificationContent>> posts, updates;
    std::vector<Handle> closed;
    bool reachable = true;

    Capabilities capabilities() override { return caps; }
    Handle post(const NotificationContent& content) override {
        if (!reachable) return 0;
        Handle handle = next_++;
        showing[handle] = content;
        posts.emplace_back(handle, content);
        return handle;
    }
    bool update(Handle handle, const NotificationContent& content) override {
        if (!reachable || showing.count(handle) == 0) return false;
        showing[handle] = content;
        updates.emplace_back(handle, content);
        return true;
    }
    void close(Handle handle) override {
        showing.erase(handle);
        closed.push_back(handle);
    }
    void setCallbacks(ActionCallback on_action, ClosedCallback on_closed) override {
        on_action_ = std::move(on_action);
        on_closed_ = std::move(on_closed);
    }
    void press(Handle handle, const std::string& key) { on_action_(handle, key); }
    void dismiss(Handle handle) {
        showing.erase(handle);
        on_closed_(handle, CloseReason::Dismissed);
    }
    const NotificationContent& last() const { return posts.back().second; }

  private:
    Handle next_ = 1;
    ActionCallback on_action_;
    ClosedCallback on_closed_;
};

class FakeTicker : public Ticker {
  public:
    bool running = false;
    void start(std::function<void()>) override { running = true; }
    void stop() override { running = false; }
};

std::vector<std::string> keysOf(const NotificationContent& content) {
    std::vector<std::string> keys;
    for (const auto& action : content.actions)
        keys.push_back(action.key);
    return keys;
}

class APause : public ::testing::Test {
  protected:
    PauseRequest alex(std::vector<std::int64_t> ids = {1}) {
        return {.contact = "Alex",
                .day_count = 14,
                .reasons = {"He only writes when he's bored.", "October. The drive home."},
                .held_ids = std::move(ids),
                .seconds = 3,
                .app_name = "Signal"};
    }
    Notifier::Handle handle() const { return notifier.posts.front().first; }
    const NotificationContent& now() { return notifier.showing.at(handle()); }
    void countDown(int seconds) {
        for (int i = 0; i < seconds; ++i)
            presenter.tick();
    }

    FakeNotifier notifier;
    FakeTicker ticker;
    std::vector<PauseChoice> choices;
    std::vector<std::string> launched;
    PausePresenter presenter{notifier, ticker,
                             [this](const PauseChoice& c) { choices.push_back(c); },
                             [this](const std::string& entry) { launched.push_back(entry); }};
};

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

TEST_F(APause, CountsClosingWithoutAChoiceAsLaterButSaysSo) {
    presenter.open(alex());
    notifier.dismiss(handle());
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::ClosedWithoutChoice);
    EXPECT_FALSE(presenter.isOpen("Alex"));
    EXPECT_TRUE(notifier.closed.empty());
}

TEST_F(APause, CountsAPauseTheServerLostAsClosedWithoutAChoice) {
    presenter.open(alex());
    notifier.showing.clear();  // the server restarted and forgot it
    presenter.tick();
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::ClosedWithoutChoice);
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

TEST_F(APause, CountsAPauseNoNewServerWouldShowAsClosedWithoutAChoice) {
    presenter.open(alex());
    for (int i = 0; i < 60; ++i)
        presenter.tick();
    notifier.reachable = false;
    presenter.showAgain();
    for (int i = 0; i < 10 && choices.empty(); ++i)
        presenter.tick();
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].which, Which::ClosedWithoutChoice);
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
    presenter.nudge("Alex");
    presenter.nudge("Alex");
    ASSERT_EQ(notifier.posts.size(), 2u);
    EXPECT_EQ(notifier.posts[0].second.summary, "You don't have to answer tonight.");
    EXPECT_NE(notifier.posts[1].second.summary, notifier.posts[0].second.summary);
    EXPECT_EQ(notifier.last().urgency, Urgency::Low);
    EXPECT_TRUE(notifier.last().transient);
    EXPECT_TRUE(notifier.last().actions.empty());
}

TEST(AGlibTicker, CallsBackOnTheMainLoopUntilStopped) {
    using namespace std::chrono_literals;
    GlibTicker ticker;
    int seconds = 0;
    ticker.start([&] { ++seconds; });
    ASSERT_TRUE(testing::waitUntil([&] { return seconds >= 2; }, 10s, testing::iterate));
    ticker.stop();
    int stopped_at = seconds;
    // A stopped ticker never fires again: a fresh ticker's second tick proves time went by.
    GlibTicker witness;
    int witness_seconds = 0;
    witness.start([&] { ++witness_seconds; });
    ASSERT_TRUE(testing::waitUntil([&] { return witness_seconds >= 2; }, 10s, testing::iterate));
    EXPECT_EQ(seconds, stopped_at);
}

}  // namespace
}  // namespace nocontact::daemon
