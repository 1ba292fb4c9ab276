// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/level_change.hpp"

namespace nocontact::policy {

namespace {

StepPlan refuse(StepRefusal why) {
    return {.to = std::nullopt, .refused = why};
}

StepPlan oneStep(StepWay way, Level current) {
    if (way == StepWay::Soften) {
        if (current == Level::Open) return refuse(StepRefusal::AlreadyOpen);
        return {.to = stepLevel(current, -1), .refused = std::nullopt};
    }
    if (current == Level::Strict) return refuse(StepRefusal::AlreadyStrict);
    return {.to = stepLevel(current, 1), .refused = std::nullopt};
}

}  // namespace

StepPlan planStep(StepWay way, Level current, std::optional<Level> asked) {
    if (!asked) return oneStep(way, current);
    if (*asked == current) return refuse(StepRefusal::SameLevel);
    if (way == StepWay::Soften && *asked > current) return refuse(StepRefusal::NotSofter);
    if (way == StepWay::Harden && *asked < current) return refuse(StepRefusal::NotHarder);
    return {.to = asked, .refused = std::nullopt};
}

bool durationAllowed(std::uint64_t seconds) {
    return seconds <= static_cast<std::uint64_t>(kLongestChange.count());
}

}  // namespace nocontact::policy
