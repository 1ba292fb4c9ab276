// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dbus/phone.hpp"

typedef struct sd_bus sd_bus;

// Follows ModemManager (`org.freedesktop.ModemManager1` on the *system* bus): modems come and
// go under its ObjectManager at /org/freedesktop/ModemManager1; each modem's
// org.freedesktop.ModemManager1.Modem.Voice sends CallAdded(o) / CallDeleted(o) and its
// ...Modem.Messaging sends Added(o, b received). Calls (org.freedesktop.ModemManager1.Call:
// Number s, Direction i, State i; Hangup, Accept) and SMS (org.freedesktop.ModemManager1.Sms:
// Number s, Text s, State u) are read with Properties.GetAll, and followed with
// PropertiesChanged (a call's State; an SMS that is still RECEIVING is reported once it is
// RECEIVED). Runs on a system-bus connection the caller owns; every call is asynchronous.
// Calls already there when it looks (at start, when ModemManager (re)appears, or a modem is
// added) are reported; SMS already complete then are not: they are not news.
namespace nocontact::dbus {

class ModemWatch {
  public:
    struct Callbacks {
        std::function<void(const PhoneCall&)> call;  // first seen, and each change of state
        std::function<void(const std::string& path)> gone;
        std::function<void(const PhoneSms&)> sms;  // once per SMS, when complete
        std::function<void(bool present)> presence;
    };

    ModemWatch(sd_bus* system_bus, Callbacks callbacks);
    ~ModemWatch();
    ModemWatch(const ModemWatch&) = delete;
    ModemWatch& operator=(const ModemWatch&) = delete;

    void start();
    // Hangup may be refused by polkit (org.freedesktop.ModemManager1.Error.Core.Unauthorized);
    // `done` gets the error's name and message.
    void hangup(const std::string& path, PhoneDone done);
    void accept(const std::string& path, PhoneDone done);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::dbus
