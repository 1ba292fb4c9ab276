// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The notification servers' own D-Bus controls, beyond the freedesktop interface: what
// nocontactd needs to keep their rules in step (config/server_rules.hpp) and to take back
// messages their rules hid while nocontactd was not running. Raw sd-bus, asynchronous, never
// auto-starting anything.
//
// Checked against the servers' sources:
//  - dunst 1.9–1.12 (src/dbus.c, interface org.dunstproject.cmd0 on /org/freedesktop/
//    Notifications): RuleEnable(s name, i state) since 1.9 (an error for a rule it does not
//    have); NotificationListHistory() -> aa{sv} ("appname", "summary", "body" strings, "id"
//    int32); NotificationRemoveFromHistory(u) since 1.10; ConfigReload since 1.12.
//  - mako 1.7 (dbus/mako.c, fr.emersion.Mako on /fr/emersion/Mako): Reload();
//    ListNotifications() -> aa{sv} ("app-name", "summary", "body" strings, "id" uint32), which
//    includes invisible ones. Taken back with the freedesktop CloseNotification: mako 1.7's
//    DismissNotification reads a notification it has just freed when it keeps no history
//    (a crash, seen with `history=0`).
//  - SwayNotificationCenter 0.7 (org.erikreider.swaync.cc on /org/erikreider/swaync/cc):
//    ReloadConfig().
//
// At most kMaxInFlight calls wait for their reply at a time; the rest wait here, in order.
// dunst (1.9 and 1.12 alike) flushes its connection after every reply through GLib's worker
// threads: with 70 RuleEnable calls sent at once it took 18 s to answer them all, and a
// stranger's Notify sent meanwhile waited those 18 s too. Four at a time, the 70 take 10 ms.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

typedef struct sd_bus sd_bus;

namespace nocontact::dbus {

// A notification a server still has (dunst's history, mako's list), as it tells it.
struct ServerNotification {
    std::uint32_t id = 0;
    std::string app_name, summary, body;
    std::string category;  // dunst: what its rules set (config::kDunstHeldCategory)
};

class ServerControl {
  public:
    using Done = std::function<void(bool ok, const std::string& error)>;
    using Listed = std::function<void(bool ok, std::vector<ServerNotification>)>;

    static constexpr int kMaxInFlight = 4;

    // `bus`: a connection that outlives this object's calls (the withholder's).
    explicit ServerControl(sd_bus* bus);
    // Calls not yet sent are dropped, their callbacks never called; sent ones float.
    ~ServerControl();
    ServerControl(const ServerControl&) = delete;
    ServerControl& operator=(const ServerControl&) = delete;

    // dunst: switches one of its rules on or off.
    void dunstRuleEnable(const std::string& server, const std::string& rule, bool on, Done done);
    // dunst (1.12+) re-reads its configuration; mako and swaync likewise. `kind` is
    // "dunst", "mako" or "swaync".
    void reload(const std::string& kind, const std::string& server, Done done);
    // dunst's history, or mako's notifications (shown or not).
    void list(const std::string& kind, const std::string& server, Listed done);
    // Takes one notification out of dunst's history (1.10+), or closes it in mako.
    void drop(const std::string& kind, const std::string& server, std::uint32_t id, Done done);

    // Calls sent and not yet answered, and calls waiting to be sent (what the tests check).
    int inFlight() const;
    std::size_t waiting() const;

    struct Queue;

  private:
    std::shared_ptr<Queue> queue_;
};

}  // namespace nocontact::dbus
