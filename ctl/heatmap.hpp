// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "ctl/style.hpp"
#include "policy/time.hpp"

namespace nocontact::ctl {

struct DayValue {
    policy::Date day{};
    int count = 0;
};

// A calendar heat-map for a terminal: one row per weekday (Monday first), one column per week,
// oldest on the left, months named above the weeks they begin in, and a legend. `days` are
// consecutive, oldest first. Ends with a newline; empty input gives an empty string.
std::string renderHeatMap(const std::vector<DayValue>& days, const Style& style);

}  // namespace nocontact::ctl
