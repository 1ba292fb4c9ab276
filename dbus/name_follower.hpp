// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <string>

typedef struct sd_bus sd_bus;
typedef struct sd_bus_slot sd_bus_slot;

// Follows who owns one bus name (GNOME Calls, KDE Connect, ModemManager, the systemd user
// manager, the notification server, the GNOME Shell extension), the way fcitx5 follows its
// notification server: NameOwnerChanged for the name, and GetNameOwner once to start. Both are
// asynchronous, on a connection the caller owns: the loop never waits for the bus.
namespace nocontact::dbus {

class NameFollower {
  public:
    // The owner's unique name (":1.42"), "" while nobody owns the name.
    using Changed = std::function<void(const std::string& owner)>;

    // `bus` must outlive the follower. `changed` must not destroy the follower.
    NameFollower(sd_bus* bus, std::string name, Changed changed);
    ~NameFollower();  // stops following: `changed` is never called again
    NameFollower(const NameFollower&) = delete;
    NameFollower& operator=(const NameFollower&) = delete;

    // Subscribes, then asks; throws std::runtime_error when either cannot be sent. `changed`
    // runs first with the answer (also when it is "" or an error), then on each change of
    // owner. The bus handles the subscription before the question, so no change is missed;
    // a change that comes before the answer is newer than anything the answer could say, and
    // the answer is then dropped. Call once.
    void start();

    // The owner as last reported; "" before the first report.
    const std::string& owner() const { return owner_; }

  private:
    struct Handlers;  // the sd-bus callbacks
    friend struct Handlers;
    void report(const std::string& owner);

    sd_bus* bus_;
    std::string name_;
    Changed changed_;
    sd_bus_slot* match_ = nullptr;
    sd_bus_slot* asked_ = nullptr;  // GetNameOwner until it is answered or overtaken
    std::string owner_;
    bool reported_ = false;
};

}  // namespace nocontact::dbus
