// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>

namespace nocontact::policy {

// The strictness ladder of DESIGN.md §4, lowest first. Arithmetic on it is clamped.
enum class Level { Open = 0, Gentle, Pause, Firm, Strict };

inline constexpr int kLevelCount = 5;

std::string_view levelName(Level l);
std::optional<Level> parseLevel(std::string_view name);

// Moves `steps` rungs up (positive) or down (negative), staying on the ladder.
Level stepLevel(Level l, int steps);

}  // namespace nocontact::policy
