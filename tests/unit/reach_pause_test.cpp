// SPDX-License-Identifier: GPL-3.0-or-later
// The pause before an app opens or a call goes on, against a fake Notifier.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/pause/pause.hpp"
#include "pause_fixture.hpp"

namespace nocontact::daemon {
namespace {

using fakes::APause;

class AReachingOutPause : public APause {
  protected:
    ReachRequest reach(ReachRequest::Kind kind) {
        return {.kind = kind,
                .unit = "app-signal-1.scope",
                .app = "Signal",
                .app_id = "signal",
                .contact = "Alex",
                .seconds = 3,
                .frozen = true};
    }
    std::vector<ReachChoice> answers;
    void SetUp() override {
        presenter.setReachCallback([this](const ReachChoice& c) { answers.push_back(c); });
    }
};

TEST_F(AReachingOutPause, IsABreathNotAnAlarmAndStaysUntilAnswered) {
    for (auto kind : {ReachRequest::Kind::App, ReachRequest::Kind::IncomingCall,
                      ReachRequest::Kind::OutgoingCall}) {
        presenter.openReach(reach(kind));
        EXPECT_EQ(notifier.last().urgency, Urgency::Normal);
        EXPECT_TRUE(notifier.last().until_closed);
        presenter.closeReach("app-signal-1.scope");
    }
}

TEST_F(AReachingOutPause, LetsAFrozenAppThroughWhenTheServerRefusesThePauseLater) {
    presenter.openReach(reach(ReachRequest::Kind::App));
    notifier.fail(notifier.posts.back().first);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].which, ReachChoice::Which::LetThrough);
    EXPECT_FALSE(presenter.isReaching("app-signal-1.scope"));
}

}  // namespace
}  // namespace nocontact::daemon
