// SPDX-License-Identifier: GPL-3.0-or-later
// Small builders shared by the engine's unit tests: a policy with one contact, moments in a
// fixed zone, events from a sender.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "policy/engine.hpp"

namespace nocontact::policy::testing {

// Central European winter time, the zone most scenarios are written in.
inline constexpr int kCetOffsetMinutes = 60;

inline LocalTime localAt(std::string_view text) {
    return *parseLocalDateTime(text);
}

// The moment whose wall-clock reading is `local` in a zone `offset_minutes` east of UTC.
inline Moment momentAt(std::string_view local, int offset_minutes = kCetOffsetMinutes) {
    LocalTime l = localAt(local);
    return Moment{SysTime{l.time_since_epoch() - std::chrono::minutes{offset_minutes}}, l};
}

inline Contact alex(std::optional<Level> strictness = Level::Firm) {
    Contact c;
    c.name = "Alex";
    c.since = parseDate("2024-12-10");
    c.strictness = strictness;
    c.reasons = {"He only writes when he's bored."};
    c.names = {"Alex Morgan", "Alex"};
    c.phones = {"+14155550100"};
    c.emails = {"alex.m@example.com"};
    return c;
}

inline Policy policyWith(Contact c) {
    Policy p;
    p.contacts.push_back(std::move(c));
    return p;
}

inline Schedule lateNight(int raise = 1) {
    Schedule s;
    s.name = "late night";
    s.from = TimeOfDay{22 * 60};
    s.to = TimeOfDay{6 * 60};
    s.raise = raise;
    return s;
}

inline Event eventFrom(std::string sender, Kind kind = Kind::Message,
                       Direction direction = Direction::Incoming) {
    Event e;
    e.app = "signal";
    e.kind = kind;
    e.direction = direction;
    e.sender = std::move(sender);
    return e;
}

inline Event appLaunch(std::string app = "signal") {
    Event e;
    e.source = Source::Systemd;
    e.kind = Kind::AppLaunch;
    e.direction = Direction::Outgoing;
    e.app = std::move(app);
    return e;
}

// "withhold pause count", in the order the engine gave them.
inline std::string actionsText(const Decision& d) {
    std::string out;
    for (Action a : d.actions) {
        if (!out.empty()) out += ' ';
        out += actionName(a);
    }
    return out;
}

}  // namespace nocontact::policy::testing
