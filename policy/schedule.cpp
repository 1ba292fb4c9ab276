// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/schedule.hpp"

#include <algorithm>

namespace nocontact::policy {

namespace {

// Spans are looked at from the day before (one may have started yesterday and run past
// midnight) to a week ahead (a fri-only schedule seen on a Saturday starts again in six days).
constexpr int kFirstDayOffset = -1;
constexpr int kLastDayOffset = 7;

bool startsOn(const Schedule& s, Date d) {
    return s.days.empty() || std::ranges::find(s.days, weekdayOf(d)) != s.days.end();
}

// A span with to <= from runs past midnight and ends the next day.
LocalTime spanEnd(const Schedule& s, Date start_day) {
    Date end_day{start_day.days + (s.to <= s.from ? 1 : 0)};
    return atTime(end_day, s.to);
}

}  // namespace

std::optional<LocalTime> currentSpanEnd(const Schedule& s, LocalTime t) {
    Date today = dateOf(t);
    for (Date d : {today, Date{today.days - 1}}) {
        if (!startsOn(s, d)) continue;
        LocalTime end = spanEnd(s, d);
        if (atTime(d, s.from) <= t && t < end) return end;
    }
    return std::nullopt;
}

bool scheduleActive(const Schedule& s, LocalTime t) {
    return currentSpanEnd(s, t).has_value();
}

std::optional<ActiveRaise> strongestRaise(const std::vector<Schedule>& schedules, LocalTime t) {
    std::optional<ActiveRaise> best;
    for (std::size_t i = 0; i < schedules.size(); ++i) {
        const Schedule& s = schedules[i];
        if (s.raise <= 0 || (best && s.raise <= best->raise)) continue;
        if (auto end = currentSpanEnd(s, t)) best = ActiveRaise{i, s.raise, *end};
    }
    return best;
}

std::optional<LocalTime> nextScheduleEdge(const std::vector<Schedule>& schedules, LocalTime t) {
    std::optional<LocalTime> next;
    auto consider = [&](LocalTime edge) {
        if (edge > t && (!next || edge < *next)) next = edge;
    };
    Date today = dateOf(t);
    for (const Schedule& s : schedules) {
        for (int offset = kFirstDayOffset; offset <= kLastDayOffset; ++offset) {
            Date d{today.days + offset};
            if (!startsOn(s, d)) continue;
            consider(atTime(d, s.from));
            consider(spanEnd(s, d));
        }
    }
    return next;
}

std::optional<LocalTime> nextDigest(const std::vector<TimeOfDay>& digest, LocalTime t) {
    if (digest.empty()) return std::nullopt;
    Date today = dateOf(t);
    std::optional<LocalTime> next;
    for (TimeOfDay d : digest) {
        LocalTime at = atTime(today, d);
        if (at <= t) at = atTime(Date{today.days + 1}, d);
        if (!next || at < *next) next = at;
    }
    return next;
}

std::optional<LocalTime> digestAfter(const std::vector<TimeOfDay>& digest,
                                     std::optional<LocalTime> offered, LocalTime now) {
    if (!offered || *offered - now > kClockSetBackWithin) return nextDigest(digest, now);
    return nextDigest(digest, std::max(*offered, now));
}

}  // namespace nocontact::policy
