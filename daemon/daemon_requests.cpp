// SPDX-License-Identifier: GPL-3.0-or-later
// The person's requests over org.nocontact.Daemon1: kept messages and temporary changes.
// Part of Daemon (daemon/daemon.hpp); the wiring of notifications lives in daemon.cpp.
#include <map>
#include <stdexcept>

#include "config/local_time.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"

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
    if (type == kTypes.end())
        throw std::invalid_argument("Unknown change '" + change.change + "'.");
    auto now = config::momentNow();
    policy::Override o;
    o.type = type->second;
    o.start = now.utc;
    o.note = change.note;
    if (change.seconds > 0) o.until = now.utc + std::chrono::seconds(change.seconds);
    if (o.type == Type::Snooze) {
        if (!o.until) throw std::invalid_argument("A snooze needs a duration, like 2h.");
        return o;
    }
    auto index = impl_->engine.matcher().byContactName(change.contact);
    if (!index) {
        throw std::invalid_argument("There is no contact called '" + change.contact +
                                    "' in your policy.");
    }
    *contact = *index;
    o.contact = impl_->engine.policy().contacts[*index].name;
    if (!change.to.empty()) {
        o.to = policy::parseLevel(change.to);
        if (!o.to) {
            throw std::invalid_argument("'" + change.to +
                                        "' is not a level: open, gentle, pause, firm or strict.");
        }
    }
    if (o.type == Type::FinalStraw) o.since = policy::dateOf(now.local);
    return o;
}

std::string Daemon::changeLevel(const Change& change) {
    if (!impl_->keeper) throw std::invalid_argument("In a dry run nothing is changed.");
    std::size_t contact = 0;
    policy::Override o = overrideFrom(change, &contact);
    impl_->engine.addOverride(o);
    impl_->keeper->saveOverride(o);
    if (!o.note.empty()) impl_->keeper->addNote(o.contact, o.note);
    log::write(log::Priority::Info, "The person changed a level.",
               {.contact = o.contact, .action = change.change});
    auto now = config::momentNow();
    if (o.type == policy::Override::Type::Snooze) {
        return "Snoozed until " + policy::formatLocal(now.local + (*o.until - now.utc)) +
               ": nocontact is resting.";
    }
    return impl_->engine.explain(contact, now).why;
}

void Daemon::addNote(const std::string& contact, const std::string& text) {
    if (!impl_->keeper) throw std::invalid_argument("In a dry run nothing is kept.");
    auto index = impl_->engine.matcher().byContactName(contact);
    if (!index) throw std::invalid_argument("There is no contact called '" + contact + "'.");
    impl_->keeper->addNote(impl_->engine.policy().contacts[*index].name, text);
}

void Daemon::restoreOverrides() {
    if (!impl_->keeper) return;
    for (auto& o : impl_->keeper->overrides())
        impl_->engine.addOverride(std::move(o));
}

}  // namespace nocontact::daemon
