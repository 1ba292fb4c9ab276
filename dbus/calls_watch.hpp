// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dbus/phone.hpp"

typedef struct sd_bus sd_bus;

// Follows GNOME Calls (`org.gnome.Calls` on the session bus). Calls exports each call as an
// object /org/gnome/Calls/Call/N under an org.freedesktop.DBus.ObjectManager at
// /org/gnome/Calls, with interface org.gnome.Calls.Call (methods Accept, Hangup; properties
// Inbound b, State u, Id s, DisplayName s, ...). See GNOME/calls src/calls-dbus-manager.c and
// src/dbus/org.gnome.Calls.Call.xml.
//  - GetManagedObjects when the service appears; InterfacesAdded -> `call`;
//    PropertiesChanged on a call (State) -> `call` again with the new state;
//    InterfacesRemoved -> `gone`.
//  - State: INCOMING -> Ringing, DIALING/ALERTING -> Dialing, ACTIVE/HELD -> Active,
//    DISCONNECTED (7) -> Ended; the ambiguous 6 is explained in calls_watch.cpp.
//  - Signals count only from the unique name owning org.gnome.Calls. A new owner is a restart:
//    presence(false), `gone` for each call of the old instance, presence(true), listed again.
// Runs on a connection the caller owns; every call is asynchronous.
namespace nocontact::dbus {

class CallsWatch {
  public:
    struct Callbacks {
        std::function<void(const PhoneCall&)> call;  // first seen, and each change of state
        std::function<void(const std::string& path)> gone;
        std::function<void(bool present)> presence;
    };

    CallsWatch(sd_bus* bus, Callbacks callbacks);
    ~CallsWatch();
    CallsWatch(const CallsWatch&) = delete;
    CallsWatch& operator=(const CallsWatch&) = delete;

    void start();
    void hangup(const std::string& path, PhoneDone done);
    void accept(const std::string& path, PhoneDone done);
    // Quiets a ringing call without ending it (current Calls; older ones answer UnknownMethod).
    void silence(const std::string& path, PhoneDone done);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::dbus
