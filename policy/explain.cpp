// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's memory of what the user asked for (overrides) and the level it leads to.
#include <algorithm>

#include "policy/effective.hpp"
#include "policy/engine.hpp"

namespace nocontact::policy {

namespace {

char lowerAsciiChar(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Contact names in overrides come from people typing commands: "alex" means "Alex".
bool sameName(std::string_view a, std::string_view b) {
    return std::ranges::equal(
        a, b, [](char x, char y) { return lowerAsciiChar(x) == lowerAsciiChar(y); });
}

bool inForce(const Override& o, const Moment& now) {
    return o.start <= now.utc && (!o.until || now.utc < *o.until);
}

bool isSnooze(const Override& o) {
    return o.type == Override::Type::Snooze;
}

}  // namespace

void Engine::addOverride(Override o) {
    // One change per contact (and one snooze): the newest replaces the older. Changes that
    // had already run out when this one started are dropped as well.
    std::erase_if(overrides_, [&](const Override& old) {
        bool same = isSnooze(old) == isSnooze(o) && sameName(old.contact, o.contact);
        return same || (old.until && *old.until <= o.start);
    });
    overrides_.push_back(std::move(o));
}

bool Engine::removeChange(std::string_view contact) {
    return std::erase_if(overrides_, [&](const Override& o) {
               return !isSnooze(o) && sameName(o.contact, contact);
           }) > 0;
}

bool Engine::endSnooze(const Moment& now) {
    const bool was = activeSnooze(now) != nullptr;
    std::erase_if(overrides_, isSnooze);
    return was;
}

const Override* Engine::changeOf(std::size_t contact, const Moment& now) const {
    return activeOverride(policy_.contacts.at(contact).name, now);
}

Level Engine::ownLevel(std::size_t contact, const Moment& now) const {
    const Contact& c = policy_.contacts.at(contact);
    return effectiveLevel(policy_, c, activeOverride(c.name, now), now).level;
}

const Override* Engine::activeOverride(std::string_view contact, const Moment& now) const {
    for (const Override& o : overrides_) {
        if (!isSnooze(o) && sameName(o.contact, contact) && inForce(o, now)) return &o;
    }
    return nullptr;
}

const Override* Engine::activeSnooze(const Moment& now) const {
    for (const Override& o : overrides_) {
        if (isSnooze(o) && inForce(o, now)) return &o;
    }
    return nullptr;
}

Explained Engine::explain(std::size_t contact, const Moment& now) const {
    const Contact& c = policy_.contacts.at(contact);
    Explained out;
    if (const Override* snooze = activeSnooze(now)) {
        out.level = Level::Open;
        out.snoozed = true;
        out.why = explainSnooze(*snooze, now);
        if (snooze->until) out.changes_at.atUtc(*snooze->until);
        return out;
    }
    Effective e = effectiveLevel(policy_, c, activeOverride(c.name, now), now);
    out.level = e.level;
    out.changed = e.change != nullptr;
    out.why = explainLevel(policy_, c, e, now);
    out.changes_at = changesAt(policy_, e, now);
    return out;
}

std::optional<int> Engine::dayCount(std::size_t contact, const Moment& now) const {
    const Contact& c = policy_.contacts.at(contact);
    std::optional<Date> since = c.since;
    const Override* o = activeOverride(c.name, now);
    if (o && o->type == Override::Type::FinalStraw) {
        since = o->since ? *o->since : dateOf(approxLocal(o->start, now));
    }
    if (!since) return std::nullopt;
    auto days = dateOf(now.local).days - since->days + 1;
    if (days < 1) return std::nullopt;  // no contact has not started yet
    return static_cast<int>(days);
}

}  // namespace nocontact::policy
