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

std::string untilText(const Override& o, const Moment& now, const Words& w) {
    if (!o.until) return std::string(" ") + w.tr("until you change it");
    return " " +
           fillIn(w.tr("until {when}"), {{"when", formatWhen(approxLocal(*o.until, now), now, w)}});
}

std::string noteText(const Override& o) {
    return o.note.empty() ? "" : " — '" + o.note + "'";
}

Date finalStrawDay(const Override& o, const Moment& now) {
    return o.since ? *o.since : dateOf(approxLocal(o.start, now));
}

// What the policy itself says, while a change of the person's sets another level: after the
// policy is edited, the person's change still stands over it, and the sentence says so.
std::string policyText(const Effective& e, const Words& w) {
    if (e.after_change == e.base) return "";
    return " " + fillIn(w.tr("(the policy says {level})"), {{"level", levelName(e.base)}});
}

// The part of the sentence before any schedule raise.
std::string changeText(const Effective& e, const Moment& now, const Words& w) {
    const Override& o = *e.change;
    std::string_view to = levelName(e.after_change);
    switch (o.type) {
        case Type::Soften:
            return fillIn(w.tr("softened to {level}"), {{"level", to}}) + untilText(o, now, w) +
                   policyText(e, w) + noteText(o);
        case Type::Harden:
            return fillIn(w.tr("hardened to {level}"), {{"level", to}}) + untilText(o, now, w) +
                   policyText(e, w) + noteText(o);
        case Type::FinalStraw:
            return fillIn(w.tr("strict since the final straw on {date}"),
                          {{"date", formatDate(finalStrawDay(o, now))}}) +
                   noteText(o);
        case Type::Snooze:
            break;
    }
    return std::string(to);
}

std::string baseText(const Effective& e, const Words& w) {
    return fillIn(
        e.base_is_default ? w.tr("{level} (the policy's default)") : w.tr("{level} (policy)"),
        {{"level", levelName(e.base)}});
}

}  // namespace

LocalTime approxLocal(SysTime t, const Moment& now) {
    return now.local + (t - now.utc);
}

std::string formatWhen(LocalTime t, const Moment& now, const Words& w) {
    const auto days_ahead = dateOf(t).days - dateOf(now.local).days;
    if (days_ahead == 0) return formatTimeOfDay(timeOfDayOf(t));
    if (days_ahead == 1)
        return fillIn(w.tr("tomorrow {time}"), {{"time", formatTimeOfDay(timeOfDayOf(t))}});
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
                         const Moment& now, const Words& w) {
    std::string why = fillIn(
        w.tr("{contact}: {level}"),
        {{"contact", contact.name}, {"level", e.change ? changeText(e, now, w) : baseText(e, w)}});
    if (e.raise) {
        const Schedule& s = policy.schedules[e.raise->schedule];
        why += fillIn(w.tr(", raised to {level} by '{schedule}' until {when}"),
                      {{"level", levelName(e.level)},
                       {"schedule", s.name},
                       {"when", formatWhen(e.raise->until, now, w)}});
    }
    if (softened(e) && !policy.schedules.empty()) {
        why += w.tr("; schedules are set aside while softened");
    }
    return why + ".";
}

std::string explainSnooze(const Override& snooze, const Moment& now, const Words& w) {
    if (!snooze.until) return w.tr("Snoozed until you turn it back on — nocontact is resting.");
    return fillIn(w.tr("Snoozed until {when} — nocontact is resting."),
                  {{"when", formatWhen(approxLocal(*snooze.until, now), now, w)}});
}

}  // namespace nocontact::policy
