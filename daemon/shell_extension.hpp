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
    void setOwner(const std::string& owner);

    std::function<void()> changed_;
    std::string owner_;
    sdbus::Slot match_;
    std::unique_ptr<sdbus::IProxy> bus_proxy_;
};

}  // namespace nocontact::daemon
