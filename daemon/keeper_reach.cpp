// SPDX-License-Identifier: GPL-3.0-or-later
// The Keeper and the person reaching out: the pause before a messaging app opens or a call goes
// on, and the journal's rows for calls, phone events and notices. Part of Keeper
// (daemon/keeper.hpp); held messages are in keeper.cpp.
#include <string>

#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "policy/ladder.hpp"

namespace nocontact::daemon {

namespace {

// The hour of the day where the person is, for words that depend on it ("tonight").
int localHour(const policy::Moment& now) {
    return policy::timeOfDayOf(now.local).minutes / 60;
}

}  // namespace

void Keeper::reach(const policy::Engine& engine, const std::string& unit, const std::string& app_id,
                   const std::string& app, const policy::Decision& decision, bool frozen) {
    if (!decision.contact) return;  // no one in the policy: nothing to keep or ask
    const auto& contact = engine.policy().contacts[*decision.contact];
    auto now = clock_.now();
    EventRow row{.time = now.utc,
                 .contact = contact.name,
                 .source = "systemd",
                 .app = app_id,
                 .kind = std::string(policy::kindName(policy::Kind::AppLaunch)),
                 .level = decision.journalLevel(),
                 .action = std::string(policy::actionName(decision.primary())),
                 .direction = "outgoing"};
    if (!store_->recordEvent(row))
        log::write(log::Priority::Warning, "The journal did not take a reaching out");
    if (decision.has(policy::Action::Nudge)) pause_->nudge(contact.name, localHour(now));
    if (!decision.has(policy::Action::PauseBeforeUse)) return;
    ReachRequest request = reachRequest(engine, decision, now);
    request.unit = unit;
    request.app = app;
    request.app_id = app_id;
    request.frozen = frozen;
    pause_->openReach(request);
}

ReachRequest Keeper::reachRequest(const policy::Engine& engine, const policy::Decision& decision,
                                  const policy::Moment& now) const {
    const auto& contact = engine.policy().contacts[*decision.contact];
    ReachRequest request;
    request.contact = contact.name;
    request.day_count = engine.dayCount(*decision.contact, now);
    request.reasons = contact.reasons;
    request.seconds = static_cast<int>(
        policy::reachPause(engine.policy().defaults.pause, decision.level).count());
    return request;
}

void Keeper::call(const policy::Engine& engine, const std::string& source, const std::string& call,
                  const policy::Event& event, const policy::Decision& decision,
                  const std::string& action) {
    if (!decision.contact) return;
    const bool incoming = event.direction == policy::Direction::Incoming;
    if (!action.empty()) record(engine, source, event, decision, action);
    const auto& contact = engine.policy().contacts[*decision.contact];
    if (decision.has(policy::Action::Nudge)) pause_->nudge(contact.name, localHour(clock_.now()));
    if (!decision.has(incoming ? policy::Action::Pause : policy::Action::PauseBeforeUse)) return;
    ReachRequest request = reachRequest(engine, decision, clock_.now());
    request.kind = incoming ? ReachRequest::Kind::IncomingCall : ReachRequest::Kind::OutgoingCall;
    request.unit = call;
    request.app = source;
    request.app_id = "call";
    request.seconds =
        static_cast<int>(policy::callPause(engine.policy().defaults.pause, decision.level).count());
    pause_->openReach(request);
}

void Keeper::record(const policy::Engine& engine, const std::string& source,
                    const policy::Event& event, const policy::Decision& decision,
                    const std::string& action) {
    if (!decision.contact) return;
    record(engine.policy().contacts[*decision.contact].name, source, event, decision.journalLevel(),
           action);
}

void Keeper::record(const std::string& contact, const std::string& source,
                    const policy::Event& event, const std::string& level, const std::string& action,
                    const std::string& kind) {
    const bool outgoing = event.direction == policy::Direction::Outgoing;
    EventRow row{.time = clock_.now().utc,
                 .contact = contact,
                 .source = source,
                 .app = kind.empty() ? event.app : "call",
                 .kind = kind.empty() ? std::string(policy::kindName(event.kind)) : kind,
                 .level = level,
                 .action = action,
                 // An answer is the person's, not a contact: it has no direction of its own.
                 .direction = kind.empty() && outgoing ? "outgoing" : "incoming"};
    if (!store_->recordEvent(row))
        log::write(log::Priority::Warning, "The journal did not take an event",
                   {.contact = row.contact, .source = source});
}

void Keeper::notice(const std::string& contact, const std::string& source,
                    const std::string& what) {
    EventRow row{.time = clock_.now().utc,
                 .contact = contact,
                 .source = source,
                 .app = source,
                 .kind = "notice",
                 .level = "",
                 .action = what};
    if (!store_->recordEvent(row))
        log::write(log::Priority::Warning, "The journal did not take a notice",
                   {.contact = contact, .source = source});
}

}  // namespace nocontact::daemon
