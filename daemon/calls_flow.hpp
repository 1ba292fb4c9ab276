// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Calls (DESIGN.md §4) from GNOME Calls and ModemManager: each call is decided once, even when
// both services report it, and the decision is carried out as far as the service allows: the
// call quieted, met by a pause (Answer / Let it ring; for a call to them, Hang up / Let it go
// on), or ended, with what happened in the journal. The services themselves are followed by the
// daemon (daemon_phone.cpp), which hands each call here and carries out what is asked of one.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/clock.hpp"
#include "daemon/keeper.hpp"
#include "daemon/phone_events.hpp"
#include "dbus/phone.hpp"
#include "policy/engine.hpp"

namespace nocontact::daemon {

class CallsFlow {
  public:
    // Asks `source` to do `what` ("Hangup", "Accept", "Silence") to the call at `path`.
    using Ask = std::function<void(const std::string& source, const std::string& path,
                                   const char* what, dbus::PhoneDone done)>;
    // What the flow needs of the daemon. The engine is the daemon's own, in force now (it
    // remembers each contact's last call, for repeated calls).
    struct Context {
        const Clock& clock;
        policy::Engine& engine;
        bool dry_run = false;      // decide and log; touch no call
        Keeper* keeper = nullptr;  // none in a dry run
        // Judges an event by the policy in force at `now` (every door judges the same way).
        std::function<policy::Decision(const policy::Event&, const policy::Moment&)> judge;
        Ask ask;
        // Tells the person something in a notification of nocontact's own.
        std::function<void(const std::string& summary, const std::string& body)> tell;
    };

    explicit CallsFlow(Context context) : ctx_(std::move(context)) {}

    // What `source` says about one of its calls now (ringing, dialing, active, ended).
    void changed(const std::string& source, const dbus::PhoneCall& call);
    void gone(const std::string& path);
    // A source's watch is going away (switched off, its bus lost): its calls are forgotten and
    // their pauses closed, so nothing later acts on a path a new instance gives another call.
    void forget(const std::string& source);
    // The person answered the pause about a call (ReachRequest::Kind::IncomingCall or
    // OutgoingCall).
    void answered(const ReachChoice& choice);
    // `source` cannot quiet, or end, a ringing call: said once in the log, and in Status.
    void cannotSilence(const std::string& source);
    void cannotEnd(const std::string& source);
    // What keeps calls from being met as the policy asks, for Status.
    std::vector<std::string> problems() const;

  private:
    bool seenThroughTheOther(const std::string& source, const dbus::PhoneCall& call,
                             policy::SysTime now);
    void logCall(const std::string& source, const phone::CallSeen& seen,
                 const policy::Decision& decision) const;
    void connected(const std::string& path, phone::CallSeen& seen);
    void end(const std::string& path);
    void hangUp(const std::string& source, const std::string& path, const std::string& contact,
                std::function<void(bool ok)> then);
    void refusedToEnd(const std::string& source, const std::string& contact,
                      const std::string& error);
    void quiet(const std::string& source, const std::string& path);

    struct Recent {
        std::string source;
        policy::SysTime at{};
    };

    Context ctx_;
    std::map<std::string, phone::CallSeen> calls_;  // object path -> the call
    std::map<std::string, Recent> recent_;          // "in:"/"out:" + digits -> first seen
    std::string hangup_refused_;                    // "source: error" of the first refusal
    std::set<std::string> silence_note_;            // sources found unable to silence
    std::set<std::string> cannot_end_note_;         // sources found unable to end a call
};

}  // namespace nocontact::daemon
