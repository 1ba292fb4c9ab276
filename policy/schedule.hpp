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

// How far back a clock may be set and still be the same clock: within this, a digest already
// offered stays offered (the hour that repeats when clocks go back, a clock corrected by a few
// minutes); beyond it, the time it was offered at is taken to have been read from a wrong clock.
inline constexpr std::chrono::hours kClockSetBackWithin{24};

// The digest to wait for once the one due at `offered` has been offered, with the clock now
// reading `now` (nullopt `offered`: none offered yet). The first digest time strictly after
// both, so that one digest time brings one digest: a timer may fire up to a second early (GLib
// rounds seconds timers), and a clock may be set back, yet the time just offered never comes
// round again.
std::optional<LocalTime> digestAfter(const std::vector<TimeOfDay>& digest,
                                     std::optional<LocalTime> offered, LocalTime now);

}  // namespace nocontact::policy
