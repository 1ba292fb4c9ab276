// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "policy/level.hpp"
#include "policy/time.hpp"

namespace nocontact::policy {
namespace {

TEST(ParseDuration, ReadsEveryUnitAndCombinations) {
    EXPECT_EQ(parseDuration("20s"), Seconds{20});
    EXPECT_EQ(parseDuration("10m"), Seconds{600});
    EXPECT_EQ(parseDuration("1h30m"), Seconds{5400});
    EXPECT_EQ(parseDuration("2d"), Seconds{2 * 86400});
}

TEST(ParseDuration, RefusesWhatIsNotADuration) {
    for (const char* bad :
         {"", "20", "s", "-5s", "5x", "1.5h", "20 s", "99999999999999999999s", "400d"}) {
        EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
    }
}

TEST(ParseTimeOfDay, AcceptsTwentyFourHourTimesOnly) {
    EXPECT_EQ(parseTimeOfDay("00:00")->minutes, 0);
    EXPECT_EQ(parseTimeOfDay("22:30")->minutes, 22 * 60 + 30);
    for (const char* bad : {"24:00", "7:00", "07:60", "0700", "07:00pm", ""}) {
        EXPECT_FALSE(parseTimeOfDay(bad).has_value()) << bad;
    }
}

TEST(ParseDate, KnowsTheCalendar) {
    auto d = parseDate("2024-12-10");
    ASSERT_TRUE(d);
    EXPECT_EQ(formatDate(*d), "2024-12-10");
    EXPECT_TRUE(parseDate("2024-02-29"));
    EXPECT_FALSE(parseDate("2025-02-29"));
    EXPECT_FALSE(parseDate("2024-13-01"));
    EXPECT_FALSE(parseDate("24-12-10"));
}

TEST(Weekdays, FollowTheCalendar) {
    EXPECT_EQ(weekdayOf(*parseDate("2026-11-27")), Weekday::Fri);
    EXPECT_EQ(weekdayOf(*parseDate("2026-11-29")), Weekday::Sun);
    EXPECT_EQ(weekdayOf(*parseDate("1969-12-31")), Weekday::Wed);
    EXPECT_EQ(parseWeekday("sat"), Weekday::Sat);
    EXPECT_FALSE(parseWeekday("Saturday"));
}

TEST(LocalDateTime, SplitsIntoDateAndTimeOfDay) {
    auto t = parseLocalDateTime("2026-11-27T23:30");
    ASSERT_TRUE(t);
    EXPECT_EQ(formatLocal(*t), "2026-11-27 23:30");
    EXPECT_EQ(timeOfDayOf(*t).minutes, 23 * 60 + 30);
    EXPECT_EQ(atTime(dateOf(*t), TimeOfDay{6 * 60}), *parseLocalDateTime("2026-11-27T06:00"));
    EXPECT_TRUE(parseLocalDateTime("2026-11-27 23:30:15"));
    EXPECT_FALSE(parseLocalDateTime("2026-11-27T23:30Z"));
}

TEST(FormatDuration, SpeaksLikeAPerson) {
    EXPECT_EQ(formatDuration(Seconds{20}), "20 seconds");
    EXPECT_EQ(formatDuration(Seconds{600}), "10 minutes");
    EXPECT_EQ(formatDuration(Seconds{3600 + 60}), "1 hour 1 minute");
    EXPECT_EQ(formatDuration(Seconds{2 * 86400 + 3600}), "2 days 1 hour");
}

TEST(TheLadder, StepsStayOnTheLadder) {
    EXPECT_EQ(stepLevel(Level::Firm, 1), Level::Strict);
    EXPECT_EQ(stepLevel(Level::Strict, 3), Level::Strict);
    EXPECT_EQ(stepLevel(Level::Gentle, -4), Level::Open);
    EXPECT_EQ(parseLevel("firm"), Level::Firm);
    EXPECT_FALSE(parseLevel("Firm"));
    EXPECT_EQ(levelName(Level::Pause), "pause");
}

}  // namespace
}  // namespace nocontact::policy
