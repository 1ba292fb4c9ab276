// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dbus/app_unit.hpp"

typedef struct sd_bus sd_bus;

// Watches the systemd user manager for apps being started in their own units (DESIGN.md §2,
// reaching out), and asks it to freeze, thaw or stop one. Runs on a connection the caller
// owns (the daemon's actor connection); every call is asynchronous.
//  - Subscribe(), so the manager sends signals at all: once it is known to own its name, and
//    again whenever it restarts.
//  - UnitNew / JobNew for an app-*.scope or app-*.service not seen before: a launch. App units
//    carry a pid or a random part, so each start is a new name; units that were already there
//    when the watch began (ListUnitsByPatterns) are never taken for a launch.
//  - UnitRemoved: the app is gone.
namespace nocontact::dbus {

class UnitsWatch {
  public:
    using OnLaunch = std::function<void(const AppUnit&)>;
    using OnGone = std::function<void(const std::string& unit)>;
    // ok, or the D-Bus error's name and message.
    using Done = std::function<void(bool ok, const std::string& error)>;

    UnitsWatch(sd_bus* bus, OnLaunch on_launch, OnGone on_gone);
    ~UnitsWatch();
    UnitsWatch(const UnitsWatch&) = delete;
    UnitsWatch& operator=(const UnitsWatch&) = delete;

    void start();

    void freeze(const std::string& unit, Done done);
    void thaw(const std::string& unit, Done done);
    // Thaws `unit` and waits for the answer (up to a second): for shutting down, when the loop
    // has ended. False when the manager said no or did not answer.
    bool thawNow(const std::string& unit);
    // Stops the unit as systemd stops anything: SIGTERM first, the app closes as usual.
    void stop(const std::string& unit, Done done);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::dbus
