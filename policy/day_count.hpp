// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include "policy/time.hpp"

// The day count ("Day 62 of your space from Alex"): one rule for the pause, `read`, stats and
// status, so that they never disagree.
namespace nocontact::policy {

// A final straw: the day one it set, and the policy's `since` for that contact when it was
// made (nullopt: the policy had none).
struct FinalStrawDay {
    Date day{};
    std::optional<Date> policy_since{};
    friend bool operator==(const FinalStrawDay&, const FinalStrawDay&) = default;
};

// The first day of the person's space from a contact: the final straw's day while the policy's
// `since` is still the one it was made under (a change of level, later, leaves it alone), else
// the policy's `since` — editing `since` is the person's newer word. Nullopt without either.
std::optional<Date> dayOne(std::optional<Date> policy_since,
                           const std::optional<FinalStrawDay>& final_straw);

// Day N of the space on `today`: 1 on day one itself, never 0. Nullopt without a day one, or
// before it (a `since` in the future has not begun).
std::optional<int> dayNumber(std::optional<Date> day_one, Date today);

}  // namespace nocontact::policy
