// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/time.hpp"

namespace nocontact::ctl {

// `--since WHEN`: a local date ("2026-11-01", from its midnight), a local time
// ("2026-11-01T08:00"), or a while ago ("7d", "12h", "1h30m"). nullopt when it is none of these.
// `toUtc` maps a local time to an instant (local_time::toUtc; a parameter so tests need no zone).
std::optional<policy::SysTime> parseSince(std::string_view text, const policy::Moment& now,
                                          policy::SysTime (*toUtc)(policy::LocalTime));

// "2026-11-26 14:03" in local time, for a person reading a terminal.
std::string localMinute(std::int64_t unix_seconds);
// "2026-11-26T14:03:05Z", for JSON.
std::string isoUtc(std::int64_t unix_seconds);

}  // namespace nocontact::ctl
