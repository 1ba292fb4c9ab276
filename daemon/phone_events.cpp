// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/phone_events.hpp"

namespace nocontact::daemon::phone {

Powers powersOf(const std::string& source) {
    if (source == kGnomeCalls) return {.silence = true, .end = true, .answer = true};
    if (source == kModemManager) return {.silence = false, .end = true, .answer = true};
    return {};
}

policy::Source sourceOf(const std::string& source) {
    if (source == kGnomeCalls) return policy::Source::GnomeCalls;
    if (source == kModemManager) return policy::Source::ModemManager;
    return policy::Source::KdeConnect;
}

policy::Event phoneEvent(const std::string& source, policy::Kind kind, bool incoming,
                         const std::string& name, const std::string& number) {
    policy::Event e;
    e.source = sourceOf(source);
    e.kind = kind;
    e.direction = incoming ? policy::Direction::Incoming : policy::Direction::Outgoing;
    e.app = source;
    e.sender = name;
    if (!number.empty()) e.identifiers.push_back({policy::Identifier::Type::Phone, number, ""});
    return e;
}

std::string doneAbout(const policy::Decision& decision, const std::string& source) {
    const Powers can = powersOf(source);
    const policy::Action primary = decision.primary();
    const bool can_do =
        primary == policy::Action::Silence  ? can.silence
        : primary == policy::Action::Reject ? can.end
        : primary == policy::Action::Pause || primary == policy::Action::PauseBeforeUse ? can.answer
                                                                                        : true;
    return can_do ? std::string(policy::actionName(primary)) : "rang-on";
}

}  // namespace nocontact::daemon::phone
