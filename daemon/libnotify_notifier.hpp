// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <optional>
#include <string>

#include "daemon/notifier.hpp"

typedef struct _NotifyNotification NotifyNotification;

// The Notifier port on libnotify, driven by the thread-default GLib main context (action and
// close signals arrive through it).
//
// Cost: libnotify 0.8 has no asynchronous API. notify_notification_show(), _close() and
// notify_get_server_caps() are synchronous D-Bus calls (g_dbus_proxy_call_sync): each blocks
// the loop for one local round trip to the notification server (~100 µs on an idle desktop,
// longer if the server is busy). That is acceptable for a pause shown after a human-scale event
// and updated once a second, but these calls must stay off the hot path (deciding on and
// withholding a notification), and a server that hangs blocks the loop up to libnotify's
// D-Bus timeout.
namespace nocontact::daemon {

class LibnotifyNotifier : public Notifier {
  public:
    // Calls notify_init(app_name) unless libnotify is already initialised. libnotify keeps one
    // D-Bus proxy for the whole process, on the session bus.
    explicit LibnotifyNotifier(const std::string& app_name);
    // Forgets (does not close) every notification still showing; leaves libnotify initialised.
    ~LibnotifyNotifier() override;
    LibnotifyNotifier(const LibnotifyNotifier&) = delete;
    LibnotifyNotifier& operator=(const LibnotifyNotifier&) = delete;

    // Asked once (a blocking call) and cached until forgetCapabilities().
    Capabilities capabilities() override;
    Handle post(const NotificationContent& content) override;
    bool update(Handle handle, const NotificationContent& content) override;
    void close(Handle handle) override;
    void setCallbacks(ActionCallback on_action, ClosedCallback on_closed) override;

    // The server changed (it restarted, or another took its name): ask it again next time.
    void forgetCapabilities() { capabilities_.reset(); }

  private:
    static void onAction(NotifyNotification* n, char* action, void* self);
    static void onClosed(NotifyNotification* n, void* self);
    void fill(NotifyNotification* n, const NotificationContent& content);
    bool show(NotifyNotification* n);
    void forget(Handle handle);

    std::map<Handle, NotifyNotification*> shown_;
    Handle next_handle_ = 1;
    std::optional<Capabilities> capabilities_;
    ActionCallback on_action_;
    ClosedCallback on_closed_;
};

// Starts the app whose desktop entry id is `desktop_entry` (without ".desktop"), as a click on
// its notification would. False, with a log line, when no such app is installed or it fails.
bool launchDesktopEntry(const std::string& desktop_entry);

}  // namespace nocontact::daemon
