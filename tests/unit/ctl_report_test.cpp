// SPDX-License-Identifier: GPL-3.0-or-later
// The pieces of `nocontactctl stats` and `journal` that need no daemon: the calendar heat-map,
// colours only where they belong, and --since.
#include <pty.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ctl/heatmap.hpp"
#include "ctl/style.hpp"
#include "ctl/when.hpp"

namespace {

using namespace nocontact;
using ctl::DayValue;

std::vector<DayValue> daysFrom(const char* first, std::vector<int> counts) {
    std::vector<DayValue> out;
    auto day = *policy::parseDate(first);
    for (int c : counts)
        out.push_back({day, c}), ++day.days;
    return out;
}

TEST(HeatMap, LaysTheDaysOutAsACalendarWithMondayFirst) {
    // 2026-10-22 was a Thursday, 2026-11-11 a Wednesday: in four calendar weeks.
    auto days =
        daysFrom("2026-10-22", {1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 1, 9});
    std::string map = ctl::renderHeatMap(days, ctl::Style::plain());
    EXPECT_EQ(map,
              "       Nov\n"
              "Mon    ·  ▓▓ ·\n"
              "Tue    ·  ▓▓ ░░\n"
              "Wed    ·  ▓▓ ██\n"
              "Thu ░░ ·  ██\n"
              "Fri ·  ░░ ·\n"
              "Sat ·  ▒▒ ·\n"
              "Sun ·  ▒▒ ·\n"
              "    none · ░░▒▒▓▓██ 7 or more\n")
        << map;
}

// The widest line of `text`, in characters (each heat cell and mark is one character wide).
std::size_t widestLine(const std::string& text) {
    std::size_t widest = 0, chars = 0;
    for (unsigned char c : text) {
        if (c == '\n') {
            widest = std::max(widest, chars);
            chars = 0;
        } else if ((c & 0xC0) != 0x80) {
            ++chars;
        }
    }
    return widest;
}

TEST(HeatMap, AYearFitsEightyColumnsInBlocks) {
    std::vector<int> counts(366, 1);
    auto days = daysFrom("2025-12-02", counts);
    std::string map = ctl::renderHeatMap(days, ctl::Style::plain(), {.width = 80});
    EXPECT_LE(widestLine(map), 80u) << map;
    EXPECT_NE(map.find("\n\n"), std::string::npos) << "the later weeks go in a block below";
    std::size_t cells = 0;
    for (std::size_t at = map.find("░░"); at != std::string::npos; at = map.find("░░", at + 1))
        ++cells;
    EXPECT_EQ(cells, 366u + 1) << "every day once, and the legend's";
    std::string wide = ctl::renderHeatMap(days, ctl::Style::plain(), {.width = 200});
    EXPECT_EQ(wide.find("\n\n"), std::string::npos) << "a wide terminal takes it all in one";
}

TEST(HeatMap, NamesAMonthAboveTheWeekHoldingItsFirstDay) {
    // 2026-11-30 is a Monday: its week holds December 1st.
    auto days = daysFrom("2026-11-23", std::vector<int>(21, 0));
    std::string map = ctl::renderHeatMap(days, ctl::Style::plain());
    EXPECT_EQ(map.substr(0, map.find('\n')), "       Dec") << map;
    auto later = daysFrom("2026-11-30", std::vector<int>(14, 0));
    map = ctl::renderHeatMap(later, ctl::Style::plain());
    EXPECT_EQ(map.substr(0, map.find('\n')), "    Dec") << map;
}

TEST(HeatMap, MarksToday) {
    auto days = daysFrom("2026-11-30", {0, 1, 2});
    auto today = *policy::parseDate("2026-12-02");
    std::string map = ctl::renderHeatMap(days, ctl::Style::plain(), {.today = today});
    EXPECT_NE(map.find("Wed ▒▒◂"), std::string::npos) << map;
    EXPECT_NE(map.find("◂ today"), std::string::npos) << "the legend says what the mark means";
    EXPECT_EQ(ctl::renderHeatMap(days, ctl::Style::plain()).find("◂"), std::string::npos);
}

TEST(HeatMap, IsEmptyWithoutDays) {
    EXPECT_EQ(ctl::renderHeatMap({}, ctl::Style::plain()), "");
}

TEST(Style, ColoursOnlyWhenAskedAndNeverForAFile) {
    EXPECT_EQ(ctl::Style::plain().level("strict"), "strict");
    EXPECT_NE(ctl::Style::coloured().level("strict").find("\033["), std::string::npos);
    EXPECT_NE(ctl::Style::coloured().heat(3).find("\033[48;5;"), std::string::npos);
    std::FILE* file = std::tmpfile();
    ASSERT_NE(file, nullptr);
    EXPECT_FALSE(ctl::Style::forStream(file).colour()) << "a file is not a terminal";
    std::fclose(file);
}

TEST(Style, ColoursATerminalUnlessNoColorOrADumbTerminal) {
    int primary = -1, secondary = -1;
    ASSERT_EQ(openpty(&primary, &secondary, nullptr, nullptr, nullptr), 0);
    std::FILE* terminal = fdopen(secondary, "w");
    ASSERT_NE(terminal, nullptr);
    unsetenv("NO_COLOR");
    setenv("TERM", "xterm-256color", 1);
    EXPECT_TRUE(ctl::Style::forStream(terminal).colour()) << "a terminal gets colour";
    setenv("NO_COLOR", "1", 1);
    EXPECT_FALSE(ctl::Style::forStream(terminal).colour()) << "NO_COLOR is respected";
    setenv("NO_COLOR", "", 1);
    EXPECT_TRUE(ctl::Style::forStream(terminal).colour()) << "an empty NO_COLOR is no request";
    unsetenv("NO_COLOR");
    setenv("TERM", "dumb", 1);
    EXPECT_FALSE(ctl::Style::forStream(terminal).colour()) << "a dumb terminal gets none";
    std::fclose(terminal);
    close(primary);
}

policy::SysTime fakeToUtc(policy::LocalTime t) {
    return policy::SysTime{t.time_since_epoch() - std::chrono::hours(1)};  // a UTC+1 zone
}

TEST(Since, TakesADateATimeOrAWhileAgo) {
    policy::LocalTime local{std::chrono::seconds{1'795'000'000}};
    policy::Moment now{fakeToUtc(local), local};
    auto midnight = ctl::parseSince("2026-11-01", now, fakeToUtc);
    ASSERT_TRUE(midnight);
    EXPECT_EQ(*midnight, fakeToUtc(policy::atTime(*policy::parseDate("2026-11-01"), {})));
    auto eight = ctl::parseSince("2026-11-01T08:00", now, fakeToUtc);
    ASSERT_TRUE(eight);
    EXPECT_EQ(*eight - *midnight, std::chrono::hours(8));
    EXPECT_EQ(ctl::parseSince("7d", now, fakeToUtc), now.utc - std::chrono::days(7));
    EXPECT_EQ(ctl::parseSince("1h30m", now, fakeToUtc), now.utc - std::chrono::minutes(90));
    EXPECT_FALSE(ctl::parseSince("last tuesday", now, fakeToUtc));
    EXPECT_FALSE(ctl::parseSince("", now, fakeToUtc));
}

}  // namespace
