// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/effective.hpp"

namespace nocontact::policy {

namespace {

using Type = Override::Type;

Level applyChange(Level base, const Override& o) {
    switch (o.type) {
        case Type::Soften:
            return o.to ? *o.to : stepLevel(base, -o.steps);
        case Type::Harden:
            return o.to ? *o.to : stepLevel(base, o.steps);
        case Type::FinalStraw:
            return Level::Strict;
        case Type::Snooze:
            break;
    }
    return base;
}

bool softened(const Effective& e) {
    return e.change && e.change->type == Type::Soften;
}

std::string untilText(const Override& o, const Moment& now) {
    if (!o.until) return " until you change it";
    return " until " + formatWhen(approxLocal(*o.until, now), now);
}

std::string noteText(const Override& o) {
    return o.note.empty() ? "" : " — '" + o.note + "'";
}

Date finalStrawDay(const Override& o, const Moment& now) {
    return o.since ? *o.since : dateOf(approxLocal(o.start, now));
}

// What the policy itself says, while a change of the person's sets another level: after the
// policy is edited, the person's change still stands over it, and the sentence says so.
std::string policyText(const Effective& e) {
    if (e.after_change == e.base) return "";
    return std::string{" (the policy says "} + std::string{levelName(e.base)} + ")";
}

// The part of the sentence before any schedule raise.
std::string changeText(const Effective& e, const Moment& now) {
    const Override& o = *e.change;
    std::string to{levelName(e.after_change)};
    switch (o.type) {
        case Type::Soften:
            return "softened to " + to + untilText(o, now) + policyText(e) + noteText(o);
        case Type::Harden:
            return "hardened to " + to + untilText(o, now) + policyText(e) + noteText(o);
        case Type::FinalStraw:
            return "strict since the final straw on " + formatDate(finalStrawDay(o, now)) +
                   noteText(o);
        case Type::Snooze:
            break;
    }
    return to;
}

std::string baseText(const Effective& e) {
    return std::string{levelName(e.base)} +
           (e.base_is_default ? " (the policy's default)" : " (policy)");
}

}  // namespace

LocalTime approxLocal(SysTime t, const Moment& now) {
    return now.local + (t - now.utc);
}

std::string formatWhen(LocalTime t, const Moment& now) {
    const auto days_ahead = dateOf(t).days - dateOf(now.local).days;
    if (days_ahead == 0) return formatTimeOfDay(timeOfDayOf(t));
    if (days_ahead == 1) return "tomorrow " + formatTimeOfDay(timeOfDayOf(t));
    return formatLocal(t);
}

Effective effectiveLevel(const Policy& policy, const Contact& contact, const Override* change,
                         const Moment& now) {
    Effective e;
    e.base_is_default = !contact.strictness.has_value();
    e.base = contact.strictness.value_or(policy.defaults.strictness);
    e.change = change;
    e.after_change = change ? applyChange(e.base, *change) : e.base;
    e.level = e.after_change;
    if (softened(e) || policy.schedules.empty()) return e;
    e.raise = strongestRaise(policy.schedules, now.local);
    if (e.raise) e.level = stepLevel(e.after_change, e.raise->raise);
    // A raise that changes nothing (already strict) is not worth a mention.
    if (e.level == e.after_change) e.raise.reset();
    return e;
}

WakeAt changesAt(const Policy& policy, const Effective& e, const Moment& now) {
    WakeAt wake;
    if (e.change && e.change->until) wake.atUtc(*e.change->until);
    // Softened, or already strict before any raise: schedules cannot change the level.
    if (softened(e) || e.after_change == Level::Strict) return wake;
    if (auto edge = nextScheduleEdge(policy.schedules, now.local)) wake.atLocal(*edge);
    return wake;
}

std::string explainLevel(const Policy& policy, const Contact& contact, const Effective& e,
                         const Moment& now) {
    std::string why = contact.name + ": " + (e.change ? changeText(e, now) : baseText(e));
    if (e.raise) {
        const Schedule& s = policy.schedules[e.raise->schedule];
        why += ", raised to " + std::string{levelName(e.level)} + " by '" + s.name + "' until " +
               formatWhen(e.raise->until, now);
    }
    if (softened(e) && !policy.schedules.empty()) {
        why += "; schedules are set aside while softened";
    }
    return why + ".";
}

std::string explainSnooze(const Override& snooze, const Moment& now) {
    std::string until = snooze.until ? "until " + formatWhen(approxLocal(*snooze.until, now), now)
                                     : "until you turn it back on";
    return "Snoozed " + until + " — nocontact is resting.";
}

}  // namespace nocontact::policy
