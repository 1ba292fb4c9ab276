// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ctl/style.hpp"
#include "policy/time.hpp"

namespace nocontact::ctl {

struct DayValue {
    policy::Date day{};
    int count = 0;
};

// Where the calendar is drawn: how many columns the terminal has, and which day is today.
struct HeatMapFrame {
    int width = 80;
    std::optional<policy::Date> today{};
};

// A calendar heat-map for a terminal: one row per weekday (Monday first), one column per week,
// oldest on the left, each month named above the week holding its first day, today marked, and
// a legend. Weeks that do not fit in `frame.width` continue in a block below, so nothing wraps.
// `days` are consecutive, oldest first. Ends with a newline; empty input gives an empty string.
std::string renderHeatMap(const std::vector<DayValue>& days, const Style& style,
                          const HeatMapFrame& frame = {});

// The width of the terminal standard output writes to; COLUMNS, or 80, when it is none.
int terminalWidth();

}  // namespace nocontact::ctl
