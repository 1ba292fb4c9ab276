// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dbus/observed.hpp"

typedef struct sd_bus sd_bus;

namespace nocontact::dbus {

// What we know about the notification server (org.freedesktop.Notifications).
struct ServerInfo {
    std::string unique_name;  // empty when nobody owns the name
    std::string name, vendor, version, spec_version;
    std::vector<std::string> capabilities;
    bool refuses_foreign_close = false;  // GNOME >= 42: needs the GNOME Shell extension
};

// The daemon's ordinary connection ("actor", raw sd-bus): carries out decisions and follows
// the notification server. No call waits: a result comes back as a callback when the reply
// does, or at once, inside withhold(), for a call that asks for none (below).
//  - FDO: where a placeholder is given, first replaces the notification's content in place
//    (Notify with replaces_id, so servers with a history such as dunst keep no text), then
//    CloseNotification(id); without one, CloseNotification(id) at once (config/withdrawal.hpp
//    says which a server needs).
//    Each FDO reply is asked for only until this server has shown what it answers (a
//    placeholder that took its id; a close answered with success, on a server that does not
//    refuse some closes): after that, the calls go with NO_REPLY_EXPECTED and a close counts
//    as Withheld once it is on its way. Such calls (a placeholder and its close when neither
//    asks, a close alone when it does not) go on a second, quiet connection (quietBus()), so
//    that what a server then tells their sender (dunst's NotificationClosed) never wakes the
//    daemon.
//  - GTK: org.gtk.Notifications.RemoveNotification(app_id, id).
//  - Follows who owns org.freedesktop.Notifications (a NameFollower), and reads
//    GetServerInformation/GetCapabilities whenever the owner changes.
class Withholder {
  public:
    enum class Outcome { Withheld, RefusedByServer, Failed };
    using Done = std::function<void(Outcome, const std::string& detail)>;
    using ServerChanged = std::function<void(const ServerInfo&)>;

    Withholder(std::string address, ServerChanged on_server_changed);
    ~Withholder();
    Withholder(const Withholder&) = delete;
    Withholder& operator=(const Withholder&) = delete;

    void start();         // connects, and follows the notification server from now on
    sd_bus* bus() const;  // the actor's connection
    // The connection the calls that ask for no answer go on. Nothing on it is for us, and it is
    // read only when it is next used: a source for it watches only for it going away (or for
    // room to write).
    sd_bus* quietBus() const;
    bool own(std::string_view sender) const;  // whether a message came from either connection
    const ServerInfo& server() const;

    // Withholds one observed notification. `placeholder` is the text put in its place before
    // it is closed (never the original text); without one it is closed at once.
    void withhold(const Observed& n, const std::optional<std::string>& placeholder, Done done);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::dbus
