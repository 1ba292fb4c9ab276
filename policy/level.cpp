// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/level.hpp"

#include <algorithm>
#include <array>

namespace nocontact::policy {

namespace {
constexpr std::array<std::string_view, kLevelCount> kNames = {"open", "gentle", "pause", "firm",
                                                              "strict"};
}

std::string_view levelName(Level l) {
    return kNames[static_cast<std::size_t>(l)];
}

std::optional<Level> parseLevel(std::string_view name) {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) return static_cast<Level>(i);
    }
    return std::nullopt;
}

Level stepLevel(Level l, int steps) {
    int n = std::clamp(static_cast<int>(l) + steps, 0, kLevelCount - 1);
    return static_cast<Level>(n);
}

}  // namespace nocontact::policy
