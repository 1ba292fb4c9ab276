// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What daemon_phone.cpp and the flows that hear from phones (calls, phone pairs, notifications)
// share: the phone sources' names, what each can do, how what they report becomes a policy
// event, and the halves KDE Connect reports twice. Private to the daemon.

#include <string>

#include "policy/engine.hpp"
#include "policy/event.hpp"
#include "policy/time.hpp"

namespace nocontact::daemon::phone {

inline constexpr const char* kKdeConnect = "kdeconnect";
inline constexpr const char* kGnomeCalls = "gnome_calls";
inline constexpr const char* kModemManager = "modemmanager";

// What a source lets another program do about a ringing call. GNOME Calls: all of it
// (Silence since 46; older ones answer UnknownMethod). ModemManager: answer and end, never
// quiet (the ringing is the dialer's). KDE Connect: nothing (its mute is a button on its own
// notification, not on D-Bus).
struct Powers {
    bool silence = false, end = false, answer = false;
};
Powers powersOf(const std::string& source);
policy::Source sourceOf(const std::string& source);

policy::Event phoneEvent(const std::string& source, policy::Kind kind, bool incoming,
                         const std::string& name, const std::string& number);

// One half of what KDE Connect reports twice (a phone's notification or call: on its own
// interface, and as a desktop notification), or an incoming SMS waiting to see whether its
// messaging app's notification counts it. Waits a little for the other half.
struct Half {
    policy::Event event{};
    policy::Decision decision{};
    std::string action{};                // journaled when it is counted alone
    std::string title{}, app{}, text{};  // a notification's: what its copy shows
    std::string caller{};                // a call's: the name (or number) the phone showed
    bool ring = false;
    bool sms = false;
    std::string source{};
    policy::SysTime at{};
    // Whose it is, by name: a policy applied while it waits numbers its contacts its own way.
    std::string contact{};
};

// A call GNOME Calls or ModemManager reported, as the daemon follows it.
struct CallSeen {
    std::string source{}, contact{};  // contact: empty for a stranger's call
    std::string level{};              // the contact's level when it was decided
    policy::Event event{};            // what was decided about, for journaling the outcome
    bool incoming = true;
    bool paused = false;    // a pause about it is open
    bool answered = false;  // the person answered that pause
};

// What the journal says was done about a call from `source`: what the engine asked where the
// source can do it; "rang-on" where it cannot (the call rings on, counted). A hangup's outcome
// is journaled when it is known ("reject" or "hangup-refused"), so it is left out here.
std::string doneAbout(const policy::Decision& decision, const std::string& source);

}  // namespace nocontact::daemon::phone
