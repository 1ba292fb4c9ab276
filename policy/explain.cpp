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

Explained Engine::explain(std::size_t contact, const Moment& now, Say say) const {
    const Contact& c = policy_.contacts.at(contact);
    Explained out;
    const bool why = say == Say::Why;
    if (const Override* snooze = activeSnooze(now)) {
        out.level = Level::Open;
        out.snoozed = true;
        if (why) out.why = explainSnooze(*snooze, now, words_);
        if (snooze->until) out.changes_at.atUtc(*snooze->until);
        return out;
    }
    Effective e = effectiveLevel(policy_, c, activeOverride(c.name, now), now);
    out.level = e.level;
    out.changed = e.change != nullptr;
    if (why) out.why = explainLevel(policy_, c, e, now, words_);
    out.changes_at = changesAt(policy_, e, now);
    return out;
}

void Engine::setFinalStraw(const std::string& contact, FinalStrawDay day) {
    std::erase_if(final_straws_, [&](const auto& kept) { return sameName(kept.first, contact); });
    final_straws_.emplace(contact, day);
}

std::optional<Date> Engine::dayOneOf(std::size_t contact, const Moment& now) const {
    const Contact& c = policy_.contacts.at(contact);
    std::optional<FinalStrawDay> straw;
    for (const auto& [name, day] : final_straws_)
        if (sameName(name, c.name)) straw = day;
    // A final straw kept before its day one was remembered on its own: its change still says.
    const Override* o = activeOverride(c.name, now);
    if (!straw && o && o->type == Override::Type::FinalStraw)
        straw = FinalStrawDay{o->since.value_or(dateOf(approxLocal(o->start, now))), c.since};
    return dayOne(c.since, straw);
}

std::optional<int> Engine::dayCount(std::size_t contact, const Moment& now) const {
    return dayNumber(dayOneOf(contact, now), dateOf(now.local));
}

}  // namespace nocontact::policy
