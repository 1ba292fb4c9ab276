// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <string>

#include <glib.h>

namespace nocontact::daemon {

// Calls `on_change` when the policy file may have changed: inotify on the file's directory
// (editors save by writing a new file and renaming it over the old one, which a watch on the
// file itself would lose), filtered to the file's name and debounced; and on SIGHUP
// (`systemctl --user reload`, ExecReload=). Runs on the thread-default GLib main context.
class PolicyWatcher {
  public:
    PolicyWatcher(std::string policy_file, std::function<void()> on_change);
    ~PolicyWatcher();
    PolicyWatcher(const PolicyWatcher&) = delete;
    PolicyWatcher& operator=(const PolicyWatcher&) = delete;

    // Starts watching. SIGHUP is always handled; returns false when the file's directory cannot
    // be watched (it does not exist yet): the daemon then says so, and SIGHUP still reloads.
    bool start();

  private:
    void onInotify();
    void schedule();
    static gboolean onInotifyReady(gint fd, GIOCondition condition, gpointer self);
    static gboolean onDebounced(gpointer self);
    static gboolean onSighup(gpointer self);

    std::string dir_;
    std::string name_;
    std::function<void()> on_change_;
    int inotify_fd_ = -1;
    GSource* inotify_source_ = nullptr;
    GSource* signal_source_ = nullptr;
    GSource* debounce_ = nullptr;
};

}  // namespace nocontact::daemon
