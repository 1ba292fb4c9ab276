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
        event("Alex", kNoon - 36h - 30min), event("Alex", kNoon - 1h, "outgoing"),
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

TEST(Stats, TheStreakRunsFromDayOneOrTheLastReachingOut) {
    auto in = input();
    auto s = daemon::computeStats(in);
    ASSERT_EQ(s.streaks.size(), 2u);
    EXPECT_EQ(s.streaks[0].days, 25) << "since 2026-11-01";
    EXPECT_FALSE(s.streaks[0].last_reached);
    EXPECT_EQ(s.streaks[1].days, std::nullopt) << "Sam has no day one and no reaching out";

    in.last_reached = {event("Alex", kNoon - 48h, "outgoing"), event("Sam", kNoon, "outgoing")};
    s = daemon::computeStats(in);
    EXPECT_EQ(s.streaks[0].days, 2);
    EXPECT_EQ(s.streaks[0].last_reached, kNoon - 48h);
    EXPECT_EQ(s.streaks[1].days, 0) << "reached out today";

    in.last_reached = {event("Alex", SysTime{} + 24h, "outgoing")};  // long before day one
    EXPECT_EQ(daemon::computeStats(in).streaks[0].days, 25);
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
