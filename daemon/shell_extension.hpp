// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

namespace nocontact::daemon {

// Follows who owns org.nocontact.ShellExtension1: the nocontact GNOME Shell extension owns it
// while it is enabled, and then asks Decide before GNOME Shell shows a notification. Watches
// NameOwnerChanged and asks GetNameOwner once, asynchronously: the loop never waits for it.
// An owner is believed only once the bus says it runs as the person's own uid: on a bus other
// users can reach, anyone could take the name and so switch withholding off.
class ShellExtensionWatch {
  public:
    // `changed` runs whenever the owner changes. `bus` must outlive the watch.
    ShellExtensionWatch(sdbus::IConnection& bus, std::function<void()> changed);
    ~ShellExtensionWatch();
    ShellExtensionWatch(const ShellExtensionWatch&) = delete;
    ShellExtensionWatch& operator=(const ShellExtensionWatch&) = delete;

    // The unique name owning it (":1.42"), empty when the extension is not running.
    const std::string& owner() const { return owner_; }

  private:
    void setOwner(const std::string& owner);  // asks the bus whose it is
    void believe(const std::string& owner);

    std::function<void()> changed_;
    std::string owner_;
    std::string claimed_;  // the last owner the bus told of, believed or not
    sdbus::Slot match_;
    std::unique_ptr<sdbus::IProxy> bus_proxy_;
};

}  // namespace nocontact::daemon
