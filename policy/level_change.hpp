// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "policy/level.hpp"

namespace nocontact::policy {

// The person's own moves on the ladder (DESIGN.md §4): soften steps down, harden steps up,
// always from where the contact stands now, never sideways or the wrong way.

enum class StepWay { Soften, Harden };

// Why a move cannot be made. Each has its own kind sentence at the edge.
enum class StepRefusal {
    AlreadyOpen,    // soften by one step at open: there is no softer level
    AlreadyStrict,  // harden by one step at strict: there is no stricter level
    SameLevel,      // --to the level the contact is at already
    NotSofter,      // soften --to a stricter level: that is a harden
    NotHarder,      // harden --to a softer level: that is a soften
};

// Either the level the move leads to, or why there is none.
struct StepPlan {
    std::optional<Level> to;
    std::optional<StepRefusal> refused;
};

// A move `way` from `current` (the contact's level now, a snooze aside): one rung, or to
// `asked` when the person named a level.
StepPlan planStep(StepWay way, Level current, std::optional<Level> asked);

// The longest a change or a snooze may last: a year and a day covers every "for a while"
// a person means, and keeps `now + duration` far from any overflow. Longer is "until I change
// it", which needs no duration at all.
inline constexpr std::chrono::seconds kLongestChange = std::chrono::days{366};

// Whether a duration in seconds (0: none) is one a change may have.
bool durationAllowed(std::uint64_t seconds);

}  // namespace nocontact::policy
