// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "policy/policy.hpp"
#include "policy/time.hpp"

namespace nocontact::policy {

// The schedule that raises the level most at one local time, and when its current span ends.
struct ActiveRaise {
    std::size_t schedule = 0;  // index into the policy's schedules
    int raise = 0;
    LocalTime until{};  // end of the span that is running now
};

// Whether `s` runs at local time `t`. A span belongs to the day it starts on, so a Friday
// 22:00-06:00 span covers Saturday 03:00 but not Friday 03:00.
bool scheduleActive(const Schedule& s, LocalTime t);

// The end of the span of `s` that contains `t`, or nullopt when `s` is not running.
std::optional<LocalTime> currentSpanEnd(const Schedule& s, LocalTime t);

// The largest raise among the schedules running at `t` (raises are not summed), or nullopt
// when none runs or every running one raises by zero.
std::optional<ActiveRaise> strongestRaise(const std::vector<Schedule>& schedules, LocalTime t);

// The first start or end of any span strictly after `t`: when a schedule may next change a
// level. Looks a week ahead, enough for any day-of-week rule.
std::optional<LocalTime> nextScheduleEdge(const std::vector<Schedule>& schedules, LocalTime t);

// The first digest time strictly after `t` (today's later ones, else tomorrow's first).
std::optional<LocalTime> nextDigest(const std::vector<TimeOfDay>& digest, LocalTime t);

}  // namespace nocontact::policy
