// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nocontact::policy {

// The core never reads a clock. The caller passes both the instant (for durations and
// expiries) and the wall-clock reading of the same instant in the user's zone (for schedules,
// digests and day counts), so DST and midnight are the caller's arithmetic, not ours.
using Seconds = std::chrono::seconds;
using SysTime = std::chrono::sys_seconds;
using LocalTime = std::chrono::local_seconds;

struct Moment {
    SysTime utc{};
    LocalTime local{};
};

// Seconds since the epoch, as D-Bus replies and the journal give an instant.
inline std::int64_t unixSeconds(SysTime t) {
    return static_cast<std::int64_t>(t.time_since_epoch().count());
}

// Minutes since local midnight, 0..1439.
struct TimeOfDay {
    int minutes = 0;
    friend bool operator==(TimeOfDay, TimeOfDay) = default;
    friend auto operator<=>(TimeOfDay, TimeOfDay) = default;
};

// A calendar date (proleptic Gregorian), kept as days since 1970-01-01.
struct Date {
    std::int64_t days = 0;
    friend bool operator==(Date, Date) = default;
    friend auto operator<=>(Date, Date) = default;
};

enum class Weekday { Mon = 0, Tue, Wed, Thu, Fri, Sat, Sun };

// The next time a decision may change, as the earliest of an absolute instant (override
// expiries) and a local wall-clock time (schedule edges, digests). Local times are converted
// by the caller, who knows the zone.
struct WakeAt {
    std::optional<SysTime> utc;
    std::optional<LocalTime> local;
    void atUtc(SysTime t) {
        if (!utc || t < *utc) utc = t;
    }
    void atLocal(LocalTime t) {
        if (!local || t < *local) local = t;
    }
    bool empty() const { return !utc && !local; }
};

Date dateOf(LocalTime t);
TimeOfDay timeOfDayOf(LocalTime t);
Weekday weekdayOf(Date d);
LocalTime atTime(Date d, TimeOfDay t);

// "3 hours 20 minutes", "10 minutes", "45 seconds" for user-facing sentences.
std::string formatDuration(Seconds s);
// "06:00"
std::string formatTimeOfDay(TimeOfDay t);
// "2026-11-26"
std::string formatDate(Date d);
// "2026-11-26 06:00" for a local instant.
std::string formatLocal(LocalTime t);

// Parsers shared by the policy loader and the CLI. They return nullopt on any malformed input.
std::optional<Seconds> parseDuration(std::string_view text);         // "20s", "10m", "1h30m", "2d"
std::optional<TimeOfDay> parseTimeOfDay(std::string_view text);      // "HH:MM", 24-hour
std::optional<Date> parseDate(std::string_view text);                // "YYYY-MM-DD"
std::optional<LocalTime> parseLocalDateTime(std::string_view text);  // "YYYY-MM-DDTHH:MM[:SS]"
std::optional<Weekday> parseWeekday(std::string_view text);          // "mon" .. "sun"

}  // namespace nocontact::policy
