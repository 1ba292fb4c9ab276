// SPDX-License-Identifier: GPL-3.0-or-later
// computeStats: the numbers behind `nocontactctl stats`, from journal rows, with no bus or clock.
#include <gtest/gtest.h>

#include "daemon/stats.hpp"

namespace {

using namespace nocontact;
using namespace std::chrono_literals;
using daemon::Choice;
using daemon::ChoiceRow;
using daemon::EventRow;
using policy::SysTime;

// A zone at UTC-5 all year, so local days and UTC days differ in the evening.
policy::LocalTime toLocal(SysTime t) {
    return policy::LocalTime{t.time_since_epoch() - 5h};
}

const policy::Date kToday = *policy::parseDate("2026-11-26");
// 2026-11-26 12:00 local.
const SysTime kNoon = SysTime{policy::atTime(kToday, {12 * 60}).time_since_epoch() + 5h};

EventRow event(const char* contact, SysTime t, const char* direction = "incoming",
               const char* source = "fdo") {
    return {.time = t, .contact = contact, .source = source, .direction = direction};
}

daemon::StatsInput input() {
    daemon::StatsInput in;
    in.days = 3;
    in.today = kToday;
    in.to_local = toLocal;
    in.contacts = {{"Alex", *policy::parseDate("2026-11-01")}, {"Sam", std::nullopt}};
    return in;
}

TEST(Stats, CountsEachLocalDayTheirsAndYours) {
    auto in = input();
    in.events = {
        event("Alex", kNoon), event("Alex", kNoon - 24h),
        // 23:30 local the day before yesterday is 04:30 UTC yesterday: counted locally.
        event("Alex", kNoon - 36h - 30min),
        [] {  // the person's message to them
            EventRow e = event("Alex", kNoon - 1h, "outgoing", "kdeconnect");
            e.kind = "message";
            return e;
        }(),
        event("Alex", kNoon - 2h, "incoming", "user"),  // the person's own change: not contact
        [] {  // a call nocontact could not end: the call is counted once, not its notice
            EventRow e = event("Alex", kNoon - 3h, "incoming", "modemmanager");
            e.kind = "notice";
            return e;
        }(),
        event("Sam", kNoon), event("Alex", kNoon - 72h),  // before the window
    };
    auto s = daemon::computeStats([&] {
        in.contact = "alex";  // names are folded
        return in;
    }());
    ASSERT_EQ(s.per_day.size(), 3u);
    EXPECT_EQ(policy::formatDate(s.per_day[0].day), "2026-11-24");
    EXPECT_EQ(s.per_day[0].messages, 1);
    EXPECT_EQ(s.per_day[1].messages, 1);
    EXPECT_EQ(s.per_day[2].messages, 1);
    EXPECT_EQ(s.per_day[2].reached, 1);
    ASSERT_EQ(s.streaks.size(), 1u);
    EXPECT_EQ(s.streaks[0].contact, "Alex");
}

TEST(Stats, LeadWithTheDayOfTheSpaceAsThePauseCountsIt) {
    auto in = input();
    auto s = daemon::computeStats(in);
    ASSERT_EQ(s.streaks.size(), 2u);
    EXPECT_EQ(s.streaks[0].day, 26) << "2026-11-01 is day 1";
    EXPECT_FALSE(s.streaks[0].last_reached);
    EXPECT_EQ(s.streaks[1].day, std::nullopt) << "Sam has no day one";

    in.contacts[0].since = kToday;  // a final straw today
    EXPECT_EQ(daemon::computeStats(in).streaks[0].day, 1) << "day 1, never 0";

    // Reaching out is remembered beside the count; it does not restart it.
    in.last_reached = {event("Alex", kNoon - 48h, "outgoing"), event("Sam", kNoon, "outgoing")};
    s = daemon::computeStats(in);
    EXPECT_EQ(s.streaks[0].day, 1);
    EXPECT_EQ(s.streaks[0].last_reached, kNoon - 48h);
    EXPECT_EQ(s.streaks[1].last_reached, kNoon);
}

EventRow outgoing(const char* kind, const char* action, const char* app = "signal") {
    EventRow e = event("Alex", kNoon, "outgoing", "modemmanager");
    e.kind = kind;
    e.action = action;
    e.app = app;
    return e;
}

EventRow answer(const char* app, const char* action) {
    EventRow e = event("Alex", kNoon, "incoming", "user");
    e.kind = "reach_answer";
    e.app = app;
    e.action = action;
    return e;
}

TEST(ReachingOut, IsAMessageOrACallToThemNeverOpeningAnApp) {
    EXPECT_TRUE(daemon::reachesOut(outgoing("message", "count")));
    EXPECT_TRUE(daemon::reachesOut(outgoing("call", "count")));
    EXPECT_TRUE(daemon::reachesOut(answer("call", "opened-anyway"))) << "called anyway";
    EXPECT_TRUE(daemon::reachesOut(answer("call", "went-on")));
    EXPECT_FALSE(daemon::reachesOut(outgoing("call", "pause-before-use"))) << "not yet";
    EXPECT_FALSE(daemon::reachesOut(outgoing("call", "reject")));
    EXPECT_FALSE(daemon::reachesOut(answer("call", "let-go")));
    EXPECT_FALSE(daemon::reachesOut(outgoing("app_launch", "pause-before-use")));
    EXPECT_FALSE(daemon::reachesOut(outgoing("app_launch", "count"))) << "opened, below the level";
    EXPECT_FALSE(daemon::reachesOut(answer("signal", "opened-anyway"))) << "perhaps to another";
    EXPECT_FALSE(daemon::reachesOut(answer("telegram", "let-go")));
    EXPECT_FALSE(daemon::reachesOut(answer("telegram", "let-through")));
}

TEST(Stats, CountAppsOpenedAsPausesNotAsReachingOut) {
    auto in = input();
    in.contact = "Alex";
    in.events = {outgoing("app_launch", "pause-before-use"), answer("signal", "opened-anyway"),
                 outgoing("app_launch", "pause-before-use", "telegram"),
                 answer("telegram", "let-go"), outgoing("message", "count")};
    auto s = daemon::computeStats(in);
    EXPECT_EQ(s.per_day[2].reached, 1) << "the message only";
    EXPECT_EQ(s.opened_anyway, 1);
    EXPECT_EQ(s.let_go, 1);
}

TEST(Stats, PausesHonouredAndOverridden) {
    auto in = input();
    in.choices = {
        {.time = kNoon, .choice = Choice::Read, .contact = "Alex"},
        {.time = kNoon, .choice = Choice::LetGo, .contact = "Alex"},
        {.time = kNoon, .choice = Choice::Later, .contact = "Alex"},
        {.time = kNoon, .choice = Choice::Expired, .contact = "Sam"},
        {.time = kNoon - 96h, .choice = Choice::Read, .contact = "Alex"},  // outside
    };
    auto s = daemon::computeStats(in);
    EXPECT_EQ(s.honoured, 3);
    EXPECT_EQ(s.overridden, 1);
    EXPECT_EQ(s.let_go, 1);
    EXPECT_EQ(s.later, 2) << "a pause left to run out counts as later";
    in.contact = "Sam";
    EXPECT_EQ(daemon::computeStats(in).honoured, 1);
}

}  // namespace
