// SPDX-License-Identifier: GPL-3.0-or-later
// The person's requests over org.nocontact.Daemon1: kept messages and temporary changes.
// Part of Daemon (daemon/daemon.hpp); the wiring of notifications lives in daemon.cpp.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "config/local_time.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/stats.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

std::vector<DaemonPort::HeldRow> Daemon::listHeld() {
    std::vector<HeldRow> rows;
    if (!impl_->keeper) return rows;
    for (const auto& m : impl_->keeper->kept()) {
        const char* state = m.state == HeldState::Held    ? "held"
                            : m.state == HeldState::Later ? "later"
                                                          : "let_go";
        rows.emplace_back(m.id, m.contact, m.app_name,
                          static_cast<std::int64_t>(m.received.time_since_epoch().count()),
                          std::string(state));
    }
    return rows;
}

std::vector<sdbus::Struct<std::string, std::uint32_t>> Daemon::heldByContact() const {
    std::map<std::string, std::uint32_t> counts;
    if (impl_->keeper) {
        for (const auto& m : impl_->keeper->kept()) {
            if (m.state == HeldState::Held || m.state == HeldState::Later) ++counts[m.contact];
        }
    }
    return {counts.begin(), counts.end()};
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

policy::Override Daemon::overrideFrom(const Change& change, std::size_t* contact) const {
    using Type = policy::Override::Type;
    static const std::map<std::string, Type> kTypes = {{"soften", Type::Soften},
                                                       {"harden", Type::Harden},
                                                       {"final-straw", Type::FinalStraw},
                                                       {"snooze", Type::Snooze}};
    auto type = kTypes.find(change.change);
    if (type == kTypes.end()) throw std::invalid_argument(strings::unknownChange(change.change));
    auto now = config::momentNow();
    policy::Override o;
    o.type = type->second;
    o.start = now.utc;
    o.note = change.note;
    if (change.seconds > 0) o.until = now.utc + std::chrono::seconds(change.seconds);
    if (o.type == Type::Snooze) {
        if (!o.until) throw std::invalid_argument(i18n::tr(strings::kSnoozeNeedsDuration));
        return o;
    }
    auto index = impl_->engine.matcher().byContactName(change.contact);
    if (!index) {
        throw std::invalid_argument(strings::unknownContact(change.contact));
    }
    *contact = *index;
    o.contact = impl_->engine.policy().contacts[*index].name;
    if (!change.to.empty()) {
        o.to = policy::parseLevel(change.to);
        if (!o.to) {
            throw std::invalid_argument(strings::notALevel(change.to));
        }
    }
    if (o.type == Type::FinalStraw) o.since = policy::dateOf(now.local);
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
    auto now = config::momentNow();
    std::string level =
        o.type == policy::Override::Type::Snooze
            ? ""
            : std::string(policy::levelName(impl_->engine.explain(contact, now).level));
    impl_->keeper->recordChange(o.contact, change.change, level);
    if (!o.note.empty()) impl_->keeper->addNote(o.contact, o.note);
    log::write(log::Priority::Info, "The person changed a level.",
               {.contact = o.contact, .action = change.change});
    if (o.type == policy::Override::Type::Snooze) {
        return strings::snoozedUntil(policy::formatLocal(now.local + (*o.until - now.utc)));
    }
    return impl_->engine.explain(contact, now).why;
}

void Daemon::addNote(const std::string& contact, const std::string& text) {
    if (!impl_->keeper) throw std::invalid_argument(i18n::tr(strings::kDryRunKeepsNothing));
    auto index = impl_->engine.matcher().byContactName(contact);
    if (!index) throw std::invalid_argument(strings::unknownContact(contact));
    impl_->keeper->addNote(impl_->engine.policy().contacts[*index].name, text);
}

namespace {

std::int64_t unixSeconds(policy::SysTime t) {
    return static_cast<std::int64_t>(t.time_since_epoch().count());
}

template <typename T>
T orThrow(Result<T> result) {
    if (!result) {
        throw std::runtime_error(std::string(i18n::tr(strings::kJournalUnreadable)) + ": " +
                                 result.error.value_or(StoreError{}).message);
    }
    return std::move(*result.value);
}

constexpr const char* kChoiceWords[] = {"read", "later", "let_go", "expired"};

}  // namespace

std::vector<DaemonPort::JournalRow> Daemon::journal(std::int64_t since) {
    if (!impl_->keeper) throw std::runtime_error(i18n::tr(strings::kDryRunKeepsNothing));
    auto& store = impl_->keeper->journal();
    const policy::SysTime from{std::chrono::seconds(since)};
    std::vector<JournalRow> rows;
    for (const auto& e : orThrow(store.eventsSince(from))) {
        rows.emplace_back(unixSeconds(e.time), std::string("event"), e.contact,
                          std::map<std::string, std::string>{{"source", e.source},
                                                             {"app", e.app},
                                                             {"kind", e.kind},
                                                             {"level", e.level},
                                                             {"action", e.action},
                                                             {"direction", e.direction}});
    }
    for (const auto& c : orThrow(store.choicesSince(from))) {
        rows.emplace_back(unixSeconds(c.time), std::string("choice"), c.contact,
                          std::map<std::string, std::string>{
                              {"choice", kChoiceWords[static_cast<int>(c.choice)]},
                              {"message", c.held_id ? std::to_string(*c.held_id) : std::string()}});
    }
    for (const auto& n : orThrow(store.notes())) {
        if (n.time < from) continue;
        rows.emplace_back(unixSeconds(n.time), std::string("note"), n.contact,
                          std::map<std::string, std::string>{{"text", n.text}});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const JournalRow& a, const JournalRow& b) {
        return std::get<0>(a) < std::get<0>(b);
    });
    return rows;
}

std::map<std::string, sdbus::Variant> Daemon::stats(const std::string& contact,
                                                    std::uint32_t days) {
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
    auto now = config::momentNow();
    in.days = static_cast<int>(days);
    in.today = policy::dateOf(now.local);
    in.to_local = config::toLocal;
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
    Stats st = computeStats(in);

    std::map<std::string, sdbus::Variant> out;
    out["contact"] = sdbus::Variant(st.contact);
    out["days"] = sdbus::Variant(static_cast<std::uint32_t>(st.per_day.size()));
    out["first_day"] = sdbus::Variant(policy::formatDate(st.per_day.front().day));
    std::vector<sdbus::Struct<std::string, std::uint32_t, std::uint32_t>> per_day;
    for (const auto& d : st.per_day) {
        per_day.emplace_back(policy::formatDate(d.day), static_cast<std::uint32_t>(d.messages),
                             static_cast<std::uint32_t>(d.reached));
    }
    out["per_day"] = sdbus::Variant(per_day);
    std::vector<sdbus::Struct<std::string, std::int64_t, std::int64_t>> streaks;
    for (const auto& s : st.streaks) {
        streaks.emplace_back(s.contact, s.day ? std::int64_t{*s.day} : std::int64_t{-1},
                             s.last_reached ? unixSeconds(*s.last_reached) : std::int64_t{0});
    }
    out["streaks"] = sdbus::Variant(streaks);
    auto u = [](int n) { return sdbus::Variant(static_cast<std::uint32_t>(n)); };
    out["honoured"] = u(st.honoured);
    out["overridden"] = u(st.overridden);
    out["read"] = u(st.read);
    out["later"] = u(st.later);
    out["let_go"] = u(st.let_go);
    out["opened_anyway"] = u(st.opened_anyway);
    return out;
}

void Daemon::restoreOverrides() {
    if (!impl_->keeper) return;
    for (auto& o : impl_->keeper->overrides())
        impl_->engine.addOverride(std::move(o));
    for (const auto& [contact, day] : impl_->keeper->finalStraws())
        impl_->engine.setFinalStraw(contact, day);
}

}  // namespace nocontact::daemon
