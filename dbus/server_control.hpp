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

#include <cstdint>
#include <functional>
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

    // `bus`: a connection that outlives this object's calls (the withholder's).
    explicit ServerControl(sd_bus* bus) : bus_(bus) {}

    // dunst: switches one of its rules on or off.
    void dunstRuleEnable(const std::string& server, const std::string& rule, bool on, Done done);
    // dunst (1.12+) re-reads its configuration; mako and swaync likewise. `kind` is
    // "dunst", "mako" or "swaync".
    void reload(const std::string& kind, const std::string& server, Done done);
    // dunst's history, or mako's notifications (shown or not).
    void list(const std::string& kind, const std::string& server, Listed done);
    // Takes one notification out of dunst's history (1.10+), or closes it in mako.
    void drop(const std::string& kind, const std::string& server, std::uint32_t id, Done done);

  private:
    sd_bus* bus_;
};

}  // namespace nocontact::dbus
