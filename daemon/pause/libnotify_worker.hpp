// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "daemon/pause/notifier.hpp"
#include "daemon/pause/notify_queue.hpp"

// The one thread that talks to the notification server through libnotify.
//
// libnotify 0.8 has no asynchronous API: notify_notification_show(), _close() and
// notify_get_server_caps() wait for the server's answer (up to GDBus's 25 s when it hangs). So
// they run here, on a thread with a GMainContext of its own, and never on the daemon's loop. The
// first call creates libnotify's D-Bus proxy on this thread, so ActionInvoked and
// NotificationClosed arrive here too; every result goes back to the loop that started the worker
// (g_main_context_invoke), in order. Work waits in a NotifyQueue, which folds a notification's
// changes into one while a call hangs.
namespace nocontact::daemon {

// What the worker tells the loop.
struct NotifyEvent {
    enum class Kind {
        Action,               // a button was pressed: `text` is its key
        Closed,               // the server closed it, for `reason`; the worker forgot it
        Failed,               // the server did not take a post or an update: `text` says why
        CloseFailed,          // our own CloseNotification failed: `text` says why
        Capabilities,         // the server's capabilities: `caps`
        CapabilitiesUnknown,  // they could not be asked
    };
    Kind kind = Kind::Action;
    Notifier::Handle handle = 0;
    std::string text{};
    CloseReason reason = CloseReason::Undefined;
    Notifier::Capabilities caps{};
};

// How long a stopping daemon waits for the worker to finish what it was asked (reposted
// messages, closing the pauses): a healthy server answers in milliseconds, and a hung one must
// not hold up a stop that systemd or a session logout is waiting for.
inline constexpr std::chrono::seconds kNotifyStopWait{3};

class LibnotifyWorker {
  public:
    using Deliver = std::function<void(const NotifyEvent&)>;

    // Starts the thread (notify_init(app_name) there, unless libnotify is initialised). Events
    // go to `deliver`, on the thread-default main context of the caller.
    LibnotifyWorker(std::string app_name, Deliver deliver);
    // Delivers nothing more; the thread finishes what waits, closes the notifications that stay
    // until closed, forgets the rest and leaves libnotify (notify_uninit, so a later worker gets
    // a proxy of its own). Waits up to kNotifyStopWait, then lets the thread finish alone.
    ~LibnotifyWorker();
    LibnotifyWorker(const LibnotifyWorker&) = delete;
    LibnotifyWorker& operator=(const LibnotifyWorker&) = delete;

    // Queues `op` for the thread and returns at once.
    void push(NotifyOp op);

    struct Shared;  // what the thread and the loop share (libnotify_worker.cpp)

  private:
    std::shared_ptr<Shared> shared_;
    std::thread thread_;
};

}  // namespace nocontact::daemon
