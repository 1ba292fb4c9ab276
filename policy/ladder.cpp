// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/ladder.hpp"

#include <algorithm>

namespace nocontact::policy {

std::vector<Action> incomingActions(Level level) {
    switch (level) {
        case Level::Open:
            return {Action::Show, Action::Count};
        case Level::Gentle:
            return {Action::Show, Action::Count, Action::Nudge};
        case Level::Pause:
            return {Action::Withhold, Action::Pause, Action::Count};
        case Level::Firm:
            return {Action::Withhold, Action::HoldForDigest, Action::Count};
        case Level::Strict:
            return {Action::Withhold, Action::HoldStrict, Action::Count};
    }
    return {Action::Show, Action::Count};
}

namespace {

// calls: auto — the ladder decides. Firm silences (a ringing phone at night is the ambush
// this is about); only strict hangs up, and `calls: reject` asks for that at any level.
std::vector<Action> autoCallActions(Level level) {
    switch (level) {
        case Level::Open:
            return {Action::Ring, Action::Count};
        case Level::Gentle:
            return {Action::Ring, Action::Nudge, Action::Count};
        case Level::Pause:
            return {Action::Silence, Action::Pause, Action::Count};
        case Level::Firm:
            return {Action::Silence, Action::Count};
        case Level::Strict:
            return {Action::Reject, Action::Count};
    }
    return {Action::Ring, Action::Count};
}

}  // namespace

std::vector<Action> callActions(Level level, CallRule rule) {
    switch (rule) {
        case CallRule::Ring:
            return {Action::Ring, Action::Count};
        case CallRule::Silence:
            return {Action::Silence, Action::Count};
        case CallRule::Reject:
            return {Action::Reject, Action::Count};
        case CallRule::Auto:
            break;
    }
    return autoCallActions(level);
}

std::vector<Action> outgoingActions(Level level) {
    switch (level) {
        case Level::Open:
            return {Action::Count};
        case Level::Gentle:
            return {Action::Nudge, Action::Count};
        case Level::Pause:
        case Level::Firm:
            return {Action::PauseBeforeUse, Action::Count};
        case Level::Strict:
            return {Action::Reject, Action::Notice, Action::Count};
    }
    return {Action::Count};
}

Seconds reachPause(Seconds pause, std::optional<Level> level) {
    return level && *level >= Level::Firm ? 2 * pause : pause;
}

Seconds callPause(Seconds pause, std::optional<Level> level) {
    return std::min(reachPause(pause, level), kCallPause);
}

bool pauseReopenedAtStart(Level level) {
    return level == Level::Pause;
}

bool offeredAtDigest(Level level) {
    return level != Level::Strict;
}

Decision stayingInView(Decision decision) {
    if (decision.has(Action::Withhold)) std::erase(decision.actions, Action::Pause);
    return decision;
}

Decision shownAnyway(Decision decision) {
    decision.actions = {Action::Show, Action::Count};
    return decision;
}

}  // namespace nocontact::policy
