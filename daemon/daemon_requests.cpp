// SPDX-License-Identifier: GPL-3.0-or-later
// The person's requests over org.nocontact.Daemon1: kept messages and temporary changes.
// Part of Daemon (daemon/daemon.hpp).
#include <algorithm>
#include <map>
#include <stdexcept>

#include "base/local_time.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/stats.hpp"
#include "daemon/strings.hpp"
#include "policy/level_change.hpp"

namespace nocontact::daemon {

std::vector<HeldEntry> Daemon::listHeld() {
    std::vector<HeldEntry> rows;
    if (!impl_->keeper) return rows;
    impl_->keeper->purge();  // what is listed can be read
    for (const auto& m : impl_->keeper->kept())
        rows.push_back({m.id, m.contact, m.app_name, m.received, m.state});
    return rows;
}

std::vector<ContactCount> Daemon::heldByContact() const {
    std::map<std::string, std::uint32_t> counts;
    if (impl_->keeper) {
        for (const auto& m : impl_->keeper->kept()) {
            if (m.state == HeldState::Held || m.state == HeldState::Later) ++counts[m.contact];
        }
    }
    std::vector<ContactCount> rows;
    for (const auto& [contact, count] : counts)
        rows.push_back({contact, count});
    return rows;
}

std::vector<std::string> Daemon::changedLevels() const {
    std::vector<std::string> names;
    const auto& engine = impl_->engine;
    auto now = impl_->clock->now();
    for (std::size_t i = 0; i < engine.policy().contacts.size(); ++i) {
        if (engine.changeOf(i, now)) names.push_back(engine.policy().contacts[i].name);
    }
    return names;
}

std::optional<DaemonPort::ReadResult> Daemon::readHeld(std::int64_t id) {
    if (!impl_->keeper) return std::nullopt;
    auto m = impl_->keeper->read(id);
    if (!m) return std::nullopt;
    return ReadResult{m->app_name, m->summary, m->body};
}

bool Daemon::letGo(std::int64_t id) {
    return impl_->keeper && impl_->keeper->letGo(id);
}

bool Daemon::keepForLater(std::int64_t id) {
    return impl_->keeper && impl_->keeper->keepForLater(id);
}

std::optional<DaemonPort::TerminalPause> Daemon::pauseFor(const std::string& contact) {
    const auto& engine = impl_->engine;
    auto index = engine.matcher().byContactName(contact);
    if (!index) return std::nullopt;
    const auto& c = engine.policy().contacts[*index];
    TerminalPause pause;
    pause.day = engine.dayCount(*index, impl_->clock->now()).value_or(-1);
    if (impl_->keeper)
        pause.reason = impl_->keeper->nextReason(c.name, c.reasons);
    else if (!c.reasons.empty())
        pause.reason = c.reasons.front();
    pause.seconds = static_cast<std::uint32_t>(engine.policy().defaults.pause.count());
    return pause;
}

std::vector<ContactDay> Daemon::dayCounts() const {
    std::vector<ContactDay> rows;
    const auto& engine = impl_->engine;
    auto now = impl_->clock->now();
    for (std::size_t i = 0; i < engine.policy().contacts.size(); ++i)
        rows.push_back({engine.policy().contacts[i].name, engine.dayCount(i, now)});
    return rows;
}

namespace {

using Type = policy::Override::Type;

// The person's words, or none: a note of only spaces is no note.
std::string noteFrom(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

Type changeType(const std::string& change) {
    static const std::map<std::string, Type> kTypes = {{"soften", Type::Soften},
                                                       {"harden", Type::Harden},
                                                       {"final-straw", Type::FinalStraw},
                                                       {"snooze", Type::Snooze}};
    auto type = kTypes.find(change);
    if (type == kTypes.end()) throw std::invalid_argument(strings::unknownChange(change));
    return type->second;
}

// Where a soften or harden of `contact` leads: one step, or to the level `to` names, always
// from the level the contact is at now. A move the wrong way or to the same level is refused.
policy::Level stepTo(const policy::Engine& engine, Type type, std::size_t contact,
                     const std::string& to, const policy::Moment& now) {
    std::optional<policy::Level> asked;
    if (!to.empty()) {
        asked = policy::parseLevel(to);
        if (!asked) throw std::invalid_argument(strings::notALevel(to));
    }
    const policy::Level current = engine.ownLevel(contact, now);
    const auto way = type == Type::Soften ? policy::StepWay::Soften : policy::StepWay::Harden;
    policy::StepPlan plan = policy::planStep(way, current, asked);
    if (plan.refused) {
        throw std::invalid_argument(strings::stepRefused(
            *plan.refused, engine.policy().contacts[contact].name, current, asked));
    }
    return *plan.to;
}

}  // namespace

policy::Override Daemon::overrideFrom(const Change& change, std::size_t* contact) const {
    policy::Override o;
    o.type = changeType(change.change);
    if (!policy::durationAllowed(change.seconds)) {
        throw std::invalid_argument(
            i18n::tr(o.type == Type::Snooze ? strings::kSnoozeTooLong : strings::kChangeTooLong));
    }
    auto now = impl_->clock->now();
    o.start = now.utc;
    o.note = noteFrom(change.note);
    if (change.seconds > 0) o.until = now.utc + std::chrono::seconds(change.seconds);
    if (o.type == Type::Snooze) {
        if (!o.until) throw std::invalid_argument(i18n::tr(strings::kSnoozeNeedsDuration));
        return o;
    }
    auto index = impl_->engine.matcher().byContactName(change.contact);
    if (!index) throw std::invalid_argument(strings::unknownContact(change.contact));
    *contact = *index;
    o.contact = impl_->engine.policy().contacts[*index].name;
    if (o.type == Type::FinalStraw) {
        o.since = policy::dateOf(now.local);
    } else {
        o.to = stepTo(impl_->engine, o.type, *index, change.to, now);
    }
    return o;
}

std::string Daemon::changeLevel(const Change& change) {
    if (!impl_->keeper) throw std::invalid_argument(i18n::tr(strings::kDryRunChangesNothing));
    std::size_t contact = 0;
    policy::Override o = overrideFrom(change, &contact);
    impl_->engine.addOverride(o);
    impl_->keeper->saveOverride(o);
    if (o.type == policy::Override::Type::FinalStraw) {
        // Day one from today, until the person edits the policy's since.
        policy::FinalStrawDay day{*o.since, impl_->engine.policy().contacts[contact].since};
        impl_->engine.setFinalStraw(o.contact, day);
        impl_->keeper->saveFinalStraw(o.contact, day);
    }
    refreshRules();
    auto now = impl_->clock->now();
    std::string level =
        o.type == Type::Snooze
            ? ""
            : std::string(policy::levelName(impl_->engine.explain(contact, now).level));
    impl_->keeper->recordChange(o.start, o.contact, change.change, level, o.until, o.note);
    log::write(log::Priority::Info, "The person changed a level.",
               {.contact = o.contact, .action = change.change});
    if (o.type == Type::Snooze) {
        return strings::snoozedUntil(policy::formatLocal(now.local + (*o.until - now.utc)));
    }
    return impl_->engine.explain(contact, now).why;
}

std::string Daemon::resetLevel(const std::string& contact) {
    if (!impl_->keeper) throw std::invalid_argument(i18n::tr(strings::kDryRunChangesNothing));
    auto index = impl_->engine.matcher().byContactName(contact);
    if (!index) throw std::invalid_argument(strings::unknownContact(contact));
    const std::string& name = impl_->engine.policy().contacts[*index].name;
    auto now = impl_->clock->now();
    const policy::Override* change = impl_->engine.changeOf(*index, now);
    if (change && change->type == Type::FinalStraw) {
        throw std::invalid_argument(strings::finalStrawStays(name));
    }
    if (!change) return strings::nothingToReset(name, impl_->engine.explain(*index, now).why);
    impl_->engine.removeChange(name);
    impl_->keeper->removeOverride(name);
    refreshRules();
    auto explained = impl_->engine.explain(*index, now);
    impl_->keeper->recordChange(now.utc, name, "reset",
                                std::string(policy::levelName(explained.level)));
    log::write(log::Priority::Info, "The person went back to the policy's level.",
               {.contact = name, .action = "reset"});
    return explained.why;
}

std::string Daemon::endSnooze() {
    if (!impl_->keeper) throw std::invalid_argument(i18n::tr(strings::kDryRunChangesNothing));
    auto now = impl_->clock->now();
    if (!impl_->engine.endSnooze(now)) return i18n::tr(strings::kNotSnoozed);
    impl_->keeper->removeOverride("");
    refreshRules();
    impl_->keeper->recordChange(now.utc, "", "snooze-end", "");
    log::write(log::Priority::Info, "The person ended the snooze.", {.action = "snooze-end"});
    return i18n::tr(strings::kSnoozeEnded);
}

void Daemon::addNote(const std::string& contact, const std::string& text) {
    if (!impl_->keeper) throw std::invalid_argument(i18n::tr(strings::kDryRunKeepsNothing));
    if (noteFrom(text).empty()) throw std::invalid_argument(i18n::tr(strings::kNoteNeedsWords));
    auto index = impl_->engine.matcher().byContactName(contact);
    if (!index) throw std::invalid_argument(strings::unknownContact(contact));
    impl_->keeper->addNote(impl_->engine.policy().contacts[*index].name, noteFrom(text));
}

namespace {

template <typename T>
T orThrow(Result<T> result) {
    if (!result) {
        throw std::runtime_error(std::string(i18n::tr(strings::kJournalUnreadable)) + ": " +
                                 result.error.value_or(StoreError{}).message);
    }
    return std::move(*result.value);
}

constexpr const char* kChoiceWords[] = {"read", "later", "let_go", "expired"};

// The app as a person knows it ("Signal", as `held` shows it), from the id the journal keeps.
std::string appLabel(const std::string& id, const policy::Profiles& profiles) {
    const policy::AppProfile* profile = profiles.byId(id);
    return profile && !profile->name.empty() ? profile->name : id;
}

// An event's details for the journal. Only a contact's message or call and the person opening
// an app go one way or the other; the person's changes and answers to a pause have no
// direction. A change says when it ends ("" when it lasts until the person changes it).
std::map<std::string, std::string> eventDetails(const EventRow& e,
                                                const policy::Profiles& profiles) {
    std::map<std::string, std::string> d{{"source", e.source}, {"app", appLabel(e.app, profiles)},
                                         {"app_id", e.app},    {"kind", e.kind},
                                         {"level", e.level},   {"action", e.action}};
    if (e.source != "user" && e.kind != "notice") d["direction"] = e.direction;
    if (e.kind == "change" && e.action != "reset" && e.action != "snooze-end") {
        d["until"] = e.until ? std::to_string(policy::unixSeconds(*e.until)) : std::string();
        if (!e.note.empty()) d["note"] = e.note;
    }
    return d;
}

}  // namespace

std::vector<JournalEntry> Daemon::journal(policy::SysTime from) {
    if (!impl_->keeper) throw std::runtime_error(i18n::tr(strings::kDryRunKeepsNothing));
    using What = JournalEntry::What;
    auto& store = impl_->keeper->journal();
    std::vector<JournalEntry> rows;
    for (const auto& e : orThrow(store.eventsSince(from)))
        rows.push_back({e.time, What::Event, e.contact, eventDetails(e, impl_->profiles)});
    for (const auto& c : orThrow(store.choicesSince(from))) {
        rows.push_back({c.time,
                        What::Choice,
                        c.contact,
                        {{"choice", kChoiceWords[static_cast<int>(c.choice)]},
                         {"message", c.held_id ? std::to_string(*c.held_id) : std::string()}}});
    }
    for (const auto& n : orThrow(store.notes())) {
        if (n.time < from) continue;
        rows.push_back({n.time, What::Note, n.contact, {{"text", n.text}}});
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const JournalEntry& a, const JournalEntry& b) { return a.time < b.time; });
    return rows;
}

Stats Daemon::stats(const std::string& contact, std::uint32_t days) {
    if (!impl_->keeper) throw std::runtime_error(i18n::tr(strings::kDryRunKeepsNothing));
    if (days < 1 || days > 366) {
        throw std::invalid_argument(i18n::tr(strings::kStatsDays));
    }
    const auto& engine = impl_->engine;
    StatsInput in;
    if (!contact.empty()) {
        auto index = engine.matcher().byContactName(contact);
        if (!index) {
            throw std::invalid_argument(strings::unknownContact(contact));
        }
        in.contact = engine.policy().contacts[*index].name;
    }
    auto now = impl_->clock->now();
    in.days = static_cast<int>(days);
    in.today = policy::dateOf(now.local);
    in.to_local = local_time::toLocal;
    for (std::size_t i = 0; i < engine.policy().contacts.size(); ++i) {
        StatsContact c{.name = engine.policy().contacts[i].name, .since = engine.dayOneOf(i, now)};
        in.contacts.push_back(std::move(c));
    }
    // One extra day back covers any zone's offset; computeStats keeps only the local days.
    auto from = now.utc - std::chrono::hours(24) * (days + 1);
    auto& store = impl_->keeper->journal();
    in.events = orThrow(store.eventsSince(from));
    in.choices = orThrow(store.choicesSince(from));
    in.last_reached = orThrow(store.lastReachedOut());
    return computeStats(in);
}

void Daemon::restoreOverrides() {
    if (!impl_->keeper) return;
    for (auto& o : impl_->keeper->overrides())
        impl_->engine.addOverride(std::move(o));
    for (const auto& [contact, day] : impl_->keeper->finalStraws())
        impl_->engine.setFinalStraw(contact, day);
}

}  // namespace nocontact::daemon
