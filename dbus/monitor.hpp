// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "dbus/observed.hpp"

typedef struct sd_bus sd_bus;

namespace nocontact::dbus {

// A monitor connection in raw sd-bus (sdbus-c++ 1.2 cannot stay a monitor: it replies, and the
// bus drops it). It never sends after BecomeMonitor. It sees:
//  - org.freedesktop.Notifications.Notify calls, each judged when it is seen: the calls the
//    daemon will need to withhold wait for the server's reply (caller + serial) to learn the id;
//    no other call waits, so no flood of them can push a contact's call out;
//  - org.gtk.Notifications.AddNotification and org.freedesktop.portal.Notification
//    .AddNotification calls.
// Malformed messages from other apps are counted and skipped.
class Monitor {
  public:
    struct Counters {
        std::uint64_t seen = 0;       // notifications sent to a server, of any app but ours
        std::uint64_t malformed = 0;  // calls that did not decode
        std::uint64_t restarts = 0;   // times the bus dropped us and we came back
    };
    using Callback = std::function<void(const Observed&)>;
    // Asked about each Notify call as it is seen: will its id be needed (to withhold it)? It may
    // fill in what the call left out (the app of a copy the desktop portal sent on); what it
    // changes is what `on_notification` gets.
    using NeedsId = std::function<bool(Observed&)>;

    // `address` empty = the session bus of the environment. `on_notification` gets the calls
    // `needs_id` wanted, once their id is known (or known never to come: Observed::unanswerable;
    // or the server refused the call: Observed::refused), and every GTK and portal notification
    // at once. `needs_id` sees Observed::unanswerable already set.
    Monitor(std::string address, NeedsId needs_id, Callback on_notification);
    ~Monitor();
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;

    // Connects and becomes a monitor. Throws std::runtime_error with a readable message.
    void start();
    sd_bus* bus() const;
    const Counters& counters() const;

    // Notify calls from these senders (unique names: the daemon's own placeholders and pauses)
    // are passed over before they are read.
    void skipSenders(std::function<bool(std::string_view)> own);

    // Tells the monitor who owns org.freedesktop.Notifications now (unique name), so that
    // copies of a call forwarded by intermediaries are not judged twice.
    void setFdoOwner(std::string unique_name);

    // Called by the loop when the connection is lost: the calls still waiting for a reply are
    // handed back as unanswerable, then it reconnects (counted in restarts).
    void restart();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::dbus
