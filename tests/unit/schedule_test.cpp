// SPDX-License-Identifier: GPL-3.0-or-later
// Schedules: spans across midnight, the day a span starts on, several schedules at once, and
// the local times a daemon passes in on the nights the clocks change.
#include <gtest/gtest.h>

#include "engine_fixtures.hpp"
#include "policy/schedule.hpp"

namespace nocontact::policy {
namespace {

using namespace testing;

Schedule fridayLateNight() {
    Schedule s = lateNight();
    s.days = {Weekday::Fri};
    return s;
}

TEST(ALateNightSpan, RunsFromTenInTheEveningPastMidnightUntilSix) {
    Schedule s = lateNight();
    EXPECT_FALSE(scheduleActive(s, localAt("2026-11-25T21:59")));
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-25T22:00")));
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-25T23:59")));
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-26T00:00")));
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-26T05:59")));
    EXPECT_FALSE(scheduleActive(s, localAt("2026-11-26T06:00")));
}

TEST(ALateNightSpan, EndsTheMorningAfterItStarted) {
    EXPECT_EQ(currentSpanEnd(lateNight(), localAt("2026-11-25T23:10")),
              localAt("2026-11-26T06:00"));
    EXPECT_EQ(currentSpanEnd(lateNight(), localAt("2026-11-26T03:00")),
              localAt("2026-11-26T06:00"));
}

TEST(ADaySpan, DoesNotRunPastMidnight) {
    Schedule s{"work", {}, TimeOfDay{9 * 60}, TimeOfDay{17 * 60}, 1};
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-25T09:00")));
    EXPECT_FALSE(scheduleActive(s, localAt("2026-11-25T17:00")));
    EXPECT_FALSE(scheduleActive(s, localAt("2026-11-26T03:00")));
}

// 2026-11-27 is a Friday.
TEST(AFridayOnlySpan, CoversSaturdayEarlyMorningButNotFridayEarlyMorning) {
    Schedule s = fridayLateNight();
    EXPECT_FALSE(scheduleActive(s, localAt("2026-11-27T03:00")));
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-27T23:00")));
    EXPECT_TRUE(scheduleActive(s, localAt("2026-11-28T03:00")));
    EXPECT_FALSE(scheduleActive(s, localAt("2026-11-28T23:00")));
}

TEST(SeveralSchedules, RaiseByTheLargestRaiseNotTheSum) {
    Schedule evening{"evening", {}, TimeOfDay{20 * 60}, TimeOfDay{23 * 60}, 1};
    std::vector<Schedule> all = {evening, lateNight(2)};
    auto raise = strongestRaise(all, localAt("2026-11-25T22:30"));
    ASSERT_TRUE(raise.has_value());
    EXPECT_EQ(raise->raise, 2);
    EXPECT_EQ(raise->schedule, 1u);
    EXPECT_EQ(raise->until, localAt("2026-11-26T06:00"));
    EXPECT_FALSE(strongestRaise(all, localAt("2026-11-25T12:00")).has_value());
}

TEST(TheNextScheduleEdge, IsTheEndOfTheRunningSpanAfterMidnight) {
    std::vector<Schedule> all = {lateNight()};
    EXPECT_EQ(nextScheduleEdge(all, localAt("2026-11-25T23:10")), localAt("2026-11-26T06:00"));
    EXPECT_EQ(nextScheduleEdge(all, localAt("2026-11-26T02:00")), localAt("2026-11-26T06:00"));
    EXPECT_EQ(nextScheduleEdge(all, localAt("2026-11-26T06:00")), localAt("2026-11-26T22:00"));
}

TEST(TheNextScheduleEdge, FollowsTheDayOfWeekRule) {
    std::vector<Schedule> all = {fridayLateNight()};
    // Thursday night: nothing until Friday 22:00.
    EXPECT_EQ(nextScheduleEdge(all, localAt("2026-11-26T23:00")), localAt("2026-11-27T22:00"));
    // Saturday morning inside Friday's span: it ends at 06:00.
    EXPECT_EQ(nextScheduleEdge(all, localAt("2026-11-28T01:00")), localAt("2026-11-28T06:00"));
    // Saturday afternoon: the next start is a week after the last one.
    EXPECT_EQ(nextScheduleEdge(all, localAt("2026-11-28T12:00")), localAt("2026-12-04T22:00"));
}

TEST(TheNextDigest, IsTodaysNextOrTomorrowsFirst) {
    std::vector<TimeOfDay> digest = {{8 * 60 + 30}, {19 * 60}};
    EXPECT_EQ(nextDigest(digest, localAt("2026-11-25T08:00")), localAt("2026-11-25T08:30"));
    EXPECT_EQ(nextDigest(digest, localAt("2026-11-25T08:30")), localAt("2026-11-25T19:00"));
    EXPECT_EQ(nextDigest(digest, localAt("2026-11-25T23:10")), localAt("2026-11-26T08:30"));
    EXPECT_FALSE(nextDigest({}, localAt("2026-11-25T23:10")).has_value());
}

// The daemon's digest timer, driven: each case feeds the digest time that was due and the
// clock's reading when the timer fired (whole seconds, as the daemon reads it).
class TheDigestAfterOne : public ::testing::Test {
  protected:
    const std::vector<TimeOfDay> digest_{TimeOfDay{8 * 60 + 30}, TimeOfDay{23 * 60 + 25}};
    const LocalTime due_ = localAt("2026-11-25T23:25");
};

TEST_F(TheDigestAfterOne, IsTheNextDigestTimeWhenTheTimerFiresEarly) {
    // Fired at 23:24:59.97, read as 23:24:59: the 23:25 just offered must not come again.
    LocalTime early = due_ - std::chrono::seconds{1};
    EXPECT_EQ(digestAfter(digest_, due_, early), localAt("2026-11-26T08:30"));
}

TEST_F(TheDigestAfterOne, IsTheNextDigestTimeWhenTheTimerFiresLate) {
    EXPECT_EQ(digestAfter(digest_, due_, due_ + std::chrono::seconds{5}),
              localAt("2026-11-26T08:30"));
}

TEST_F(TheDigestAfterOne, IsOfferedOnceWhenTheClockIsSetBackAnHour) {
    EXPECT_EQ(digestAfter(digest_, due_, localAt("2026-11-25T22:26")), localAt("2026-11-26T08:30"));
}

TEST_F(TheDigestAfterOne, FollowsTheClockWhenItIsSetBackByDays) {
    // The digest was offered by a clock two days ahead: the clock as it reads now is right.
    EXPECT_EQ(digestAfter(digest_, due_, localAt("2026-11-23T09:00")), localAt("2026-11-23T23:25"));
}

TEST_F(TheDigestAfterOne, IsTheNextDigestWhenNoneWasOfferedYet) {
    EXPECT_EQ(digestAfter(digest_, std::nullopt, localAt("2026-11-25T08:00")),
              localAt("2026-11-25T08:30"));
    EXPECT_FALSE(digestAfter({}, due_, due_).has_value());
}

// America/New_York, 2026-11-01: 01:30 happens twice (EDT, then EST). A 01:30 digest offered
// at the first is not offered again at the second.
TEST(TheDigestAfterOneAtTheRepeatedHour, IsOfferedOnce) {
    std::vector<TimeOfDay> digest{TimeOfDay{90}, TimeOfDay{19 * 60}};
    LocalTime due = localAt("2026-11-01T01:30");
    // 02:00 EDT becomes 01:00 EST: the clock reads 01:00 again half an hour later.
    EXPECT_EQ(digestAfter(digest, due, localAt("2026-11-01T01:00")), localAt("2026-11-01T19:00"));
}

// Europe/Berlin, 2026-03-29: 02:30 never happens; its timer fires at 03:30 CEST.
TEST(TheDigestAfterOneInTheSkippedHour, IsTheNextDigestTime) {
    std::vector<TimeOfDay> digest{TimeOfDay{150}, TimeOfDay{19 * 60}};
    EXPECT_EQ(digestAfter(digest, localAt("2026-03-29T02:30"), localAt("2026-03-29T03:30")),
              localAt("2026-03-29T19:00"));
}

class OnTheNightTheClocksChange : public ::testing::Test {
  protected:
    OnTheNightTheClocksChange() : engine_(makePolicy()) {}
    static Policy makePolicy() {
        Policy p = policyWith(alex(Level::Pause));
        p.schedules.push_back(lateNight());
        return p;
    }
    Engine engine_;
};

// Europe/Berlin, 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET, so the daemon
// passes local 02:30 twice, an hour apart in UTC. Both are inside the 22:00-06:00 span.
TEST_F(OnTheNightTheClocksChange, RaisesBothReadingsOfTheRepeatedHalfHour) {
    Moment first = momentAt("2026-10-25T02:30", 120);
    Moment second = momentAt("2026-10-25T02:30", 60);
    ASSERT_EQ(second.utc - first.utc, std::chrono::hours{1});
    for (const Moment& m : {first, second}) {
        Decision d = engine_.handle(eventFrom("Alex"), m);
        EXPECT_EQ(d.level, Level::Firm);
        EXPECT_TRUE(d.has(Action::HoldForDigest));
        // The span ends at the wall-clock 06:00; the daemon converts it with the zone.
        EXPECT_EQ(d.wake_at.local, localAt("2026-10-25T06:00"));
    }
}

// Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 never happens. The daemon
// passes 01:59 and then 03:00, both inside the span.
TEST_F(OnTheNightTheClocksChange, RaisesAcrossTheSkippedHour) {
    Explained before = engine_.explain(0, momentAt("2026-03-29T01:59", 60));
    Explained after = engine_.explain(0, momentAt("2026-03-29T03:00", 120));
    EXPECT_EQ(before.level, Level::Firm);
    EXPECT_EQ(after.level, Level::Firm);
    EXPECT_EQ(after.changes_at.local, localAt("2026-03-29T06:00"));
    Explained morning = engine_.explain(0, momentAt("2026-03-29T06:00", 120));
    EXPECT_EQ(morning.level, Level::Pause);
    EXPECT_EQ(morning.changes_at.local, localAt("2026-03-29T22:00"));
}

// America/New_York, 2026-11-01: 01:30 happens twice (EDT, then EST).
TEST_F(OnTheNightTheClocksChange, TreatsARepeatedOneThirtyAsInsideTheSpan) {
    Explained edt = engine_.explain(0, momentAt("2026-11-01T01:30", -240));
    Explained est = engine_.explain(0, momentAt("2026-11-01T01:30", -300));
    EXPECT_EQ(edt.level, Level::Firm);
    EXPECT_EQ(est.level, Level::Firm);
    EXPECT_EQ(edt.why, est.why);
}

}  // namespace
}  // namespace nocontact::policy
