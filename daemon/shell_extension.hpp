// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <string>

#include "dbus/name_follower.hpp"

typedef struct sd_bus sd_bus;
typedef struct sd_bus_slot sd_bus_slot;

namespace nocontact::daemon {

// Follows who owns org.nocontact.ShellExtension1: the nocontact GNOME Shell extension owns it
// while it is enabled, and then asks Decide before GNOME Shell shows a notification. Follows
// the name with a dbus::NameFollower: the loop never waits for the bus.
// An owner is believed only once the bus says it runs as the person's own uid: on a bus other
// users can reach, anyone could take the name and so switch withholding off.
class ShellExtensionWatch {
  public:
    // `changed` runs whenever the owner changes. `bus` must outlive the watch.
    ShellExtensionWatch(sd_bus* bus, std::function<void()> changed);
    ~ShellExtensionWatch();
    ShellExtensionWatch(const ShellExtensionWatch&) = delete;
    ShellExtensionWatch& operator=(const ShellExtensionWatch&) = delete;

    // The unique name owning it (":1.42"), empty when the extension is not running.
    const std::string& owner() const { return owner_; }

  private:
    struct Handlers;
    friend struct Handlers;
    void setOwner(const std::string& owner);  // asks the bus whose it is
    void believe(const std::string& owner);

    sd_bus* bus_;
    std::function<void()> changed_;
    std::string owner_;
    std::string claimed_;           // the last owner the bus told of, believed or not
    sd_bus_slot* asked_ = nullptr;  // GetConnectionUnixUser of `claimed_`, until answered
    dbus::NameFollower follower_;
};

}  // namespace nocontact::daemon
