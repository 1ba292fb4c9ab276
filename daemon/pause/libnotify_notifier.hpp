// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <set>
#include <string>

#include "daemon/pause/libnotify_worker.hpp"
#include "daemon/pause/notifier.hpp"

// The Notifier port on libnotify. Every call returns at once: the talking to the server happens on
// a LibnotifyWorker's thread, and actions, closes and failures come back on the thread-default
// GLib main context of the caller (the daemon's loop), which a hung server therefore never
// blocks. Handles are given out here, before the server has answered.
namespace nocontact::daemon {

class LibnotifyNotifier : public Notifier {
  public:
    // Starts the worker, which asks for the server's capabilities at once.
    explicit LibnotifyNotifier(const std::string& app_name);
    // Stops the worker (see ~LibnotifyWorker): nothing more is reported.
    ~LibnotifyNotifier() override;
    LibnotifyNotifier(const LibnotifyNotifier&) = delete;
    LibnotifyNotifier& operator=(const LibnotifyNotifier&) = delete;

    // The server's capabilities as last answered. Until the first answer: buttons, and no
    // markup (what the servers nocontact knows do or tolerate); a countdown shown meanwhile is
    // drawn again each second, with the answer once it is there.
    Capabilities capabilities() override;
    Handle post(const NotificationContent& content) override;
    bool update(Handle handle, const NotificationContent& content) override;
    void close(Handle handle) override;
    void setCallbacks(ActionCallback on_action, ClosedCallback on_closed,
                      FailedCallback on_failed) override;

    // The server changed (it restarted, or another took its name): ask it again.
    void forgetCapabilities();
    // True once the server has said what it can do.
    bool knowsCapabilities() const { return caps_known_; }

  private:
    void askCapabilities();
    void onEvent(const NotifyEvent& event);

    std::set<Handle> live_;  // posted, and neither closed by us nor by the server
    Handle next_handle_ = 1;
    Capabilities caps_{.actions = true, .body_markup = false};
    bool caps_known_ = false;
    bool asking_ = false;  // a question about capabilities waits for its answer
    ActionCallback on_action_;
    ClosedCallback on_closed_;
    FailedCallback on_failed_;
    LibnotifyWorker worker_;  // last: it stops before what it reports to goes
};

// Starts the app whose desktop entry id is `desktop_entry` (without ".desktop"), as a click on
// its notification would, without waiting for it. False, with a log line, when no such app is
// installed; a start that fails later is logged.
bool launchDesktopEntry(const std::string& desktop_entry);

}  // namespace nocontact::daemon
