// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/time.hpp"

#include <charconv>
#include <cstdio>

namespace nocontact::policy {

namespace {

using namespace std::chrono;

// Reads exactly `width` ASCII digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t width) {
    if (pos + width > s.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

std::string plural(std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// Longest duration we accept anywhere: a year is already more than any pause or override.
constexpr std::int64_t kMaxDurationSeconds = 366LL * 24 * 3600;

}  // namespace

Date dateOf(LocalTime t) {
    return Date{floor<days>(t).time_since_epoch().count()};
}

TimeOfDay timeOfDayOf(LocalTime t) {
    auto since_midnight = t - floor<days>(t);
    return TimeOfDay{static_cast<int>(duration_cast<minutes>(since_midnight).count())};
}

Weekday weekdayOf(Date d) {
    // 1970-01-01 was a Thursday.
    auto idx = ((d.days % 7) + 7 + 3) % 7;
    return static_cast<Weekday>(idx);
}

LocalTime atTime(Date d, TimeOfDay t) {
    return LocalTime{days{d.days}} + minutes{t.minutes};
}

std::string formatDuration(Seconds s) {
    auto total = s.count();
    if (total <= 0) return "0 seconds";
    auto d = total / 86400, h = (total % 86400) / 3600, m = (total % 3600) / 60, sec = total % 60;
    std::string out;
    auto add = [&out](std::int64_t n, const char* unit) {
        if (n == 0) return;
        if (!out.empty()) out += " ";
        out += plural(n, unit);
    };
    add(d, "day");
    add(h, "hour");
    add(m, "minute");
    if (d == 0 && h == 0) add(sec, "second");
    return out;
}

std::string formatTimeOfDay(TimeOfDay t) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", t.minutes / 60 % 24, t.minutes % 60);
    return buf;
}

std::string formatDate(Date d) {
    year_month_day ymd{sys_days{days{d.days}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string formatLocal(LocalTime t) {
    return formatDate(dateOf(t)) + " " + formatTimeOfDay(timeOfDayOf(t));
}

std::optional<Seconds> parseDuration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
        if (ec != std::errc{} || end == text.data() + i || n < 0) return std::nullopt;
        i = static_cast<std::size_t>(end - text.data());
        if (i >= text.size() || n > kMaxDurationSeconds) return std::nullopt;
        std::int64_t unit = 0;
        switch (text[i]) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = 86400;
                break;
            default:
                return std::nullopt;
        }
        total += n * unit;
        if (total > kMaxDurationSeconds) return std::nullopt;
        ++i;
    }
    return Seconds{total};
}

std::optional<TimeOfDay> parseTimeOfDay(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    auto h = digits(text, 0, 2), m = digits(text, 3, 2);
    if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
    return TimeOfDay{*h * 60 + *m};
}

std::optional<Date> parseDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
    if (!y || !m || !d) return std::nullopt;
    year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return Date{sys_days{ymd}.time_since_epoch().count()};
}

std::optional<LocalTime> parseLocalDateTime(std::string_view text) {
    if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
    auto date = parseDate(text.substr(0, 10));
    auto tod = parseTimeOfDay(text.substr(11, 5));
    if (!date || !tod) return std::nullopt;
    int sec = 0;
    if (text.size() != 16) {
        auto s = digits(text, 17, 2);
        if (text.size() != 19 || text[16] != ':' || !s || *s > 59) return std::nullopt;
        sec = *s;
    }
    return atTime(*date, *tod) + seconds{sec};
}

std::optional<Weekday> parseWeekday(std::string_view text) {
    static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int i = 0; i < 7; ++i) {
        if (kDays[i] == text) return static_cast<Weekday>(i);
    }
    return std::nullopt;
}

}  // namespace nocontact::policy
