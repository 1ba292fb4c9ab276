// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/when.hpp"

#include <ctime>

namespace nocontact::ctl {

std::optional<policy::SysTime> parseSince(std::string_view text, const policy::Moment& now,
                                          policy::SysTime (*toUtc)(policy::LocalTime)) {
    if (auto date = policy::parseDate(text)) return toUtc(policy::atTime(*date, {}));
    if (auto local = policy::parseLocalDateTime(text)) return toUtc(*local);
    if (auto ago = policy::parseDuration(text)) return now.utc - *ago;
    return std::nullopt;
}

namespace {
std::string formatTm(std::int64_t unix_seconds, bool local, const char* format) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    if (local) {
        localtime_r(&t, &tm);
    } else {
        gmtime_r(&t, &tm);
    }
    char buf[40];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}
}  // namespace

std::string localMinute(std::int64_t unix_seconds) {
    return formatTm(unix_seconds, true, "%Y-%m-%d %H:%M");
}

std::string isoUtc(std::int64_t unix_seconds) {
    return formatTm(unix_seconds, false, "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace nocontact::ctl
