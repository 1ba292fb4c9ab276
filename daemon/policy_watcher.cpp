// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/policy_watcher.hpp"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>

namespace nocontact::daemon {

namespace {

// One callback this long after the last event. Saving is a burst — vim writes a backup, the new
// file, renames, chmods; `cp` and scripts write in several chunks — and reading the file in the
// middle would see it half-written and report errors the user never made. 200 ms is longer than
// any editor's save and still feels immediate to a person.
constexpr guint kDebounceMs = 200;

// Events that mean the named file now has new content, or is gone.
constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM;

void destroy(GSource*& source) {
    if (source == nullptr) return;
    g_source_destroy(source);
    g_source_unref(source);
    source = nullptr;
}

GSource* attach(GSource* source) {
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(source, context);
    g_main_context_unref(context);
    return source;
}

}  // namespace

PolicyWatcher::PolicyWatcher(std::string policy_file, std::function<void()> on_change)
    : on_change_(std::move(on_change)) {
    std::filesystem::path path(policy_file);
    dir_ = path.parent_path().empty() ? "." : path.parent_path().string();
    name_ = path.filename().string();
}

PolicyWatcher::~PolicyWatcher() {
    destroy(debounce_);
    destroy(signal_source_);
    destroy(inotify_source_);
    if (inotify_fd_ >= 0) close(inotify_fd_);
}

bool PolicyWatcher::start() {
    if (signal_source_ == nullptr) {
        signal_source_ = attach(g_unix_signal_source_new(SIGHUP));
        g_source_set_callback(signal_source_, onSighup, this, nullptr);
    }
    if (inotify_source_ != nullptr) return true;
    // A missing folder is not created: ~/.config/nocontact is the user's to make (nocontactctl
    // edit does), and a daemon that litters empty folders surprises people.
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd_ < 0) return false;
    if (inotify_add_watch(inotify_fd_, dir_.c_str(), kEvents | IN_ONLYDIR) < 0) {
        close(inotify_fd_);
        inotify_fd_ = -1;
        return false;
    }
    inotify_source_ = attach(g_unix_fd_source_new(inotify_fd_, G_IO_IN));
    g_source_set_callback(inotify_source_, G_SOURCE_FUNC(onInotifyReady), this, nullptr);
    return true;
}

gboolean PolicyWatcher::onInotifyReady(gint, GIOCondition, gpointer self) {
    static_cast<PolicyWatcher*>(self)->onInotify();
    return G_SOURCE_CONTINUE;
}

void PolicyWatcher::onInotify() {
    alignas(inotify_event) char buffer[4096];
    bool ours = false;
    ssize_t n;
    while ((n = read(inotify_fd_, buffer, sizeof buffer)) > 0) {
        for (char* p = buffer; p < buffer + n;) {
            auto* event = reinterpret_cast<inotify_event*>(p);
            // An overflowed queue may have dropped our event: assume the worst.
            if (event->mask & IN_Q_OVERFLOW) ours = true;
            if (event->len > 0 && name_ == event->name) ours = true;
            p += sizeof(inotify_event) + event->len;
        }
    }
    if (ours) schedule();
}

void PolicyWatcher::schedule() {
    destroy(debounce_);
    debounce_ = attach(g_timeout_source_new(kDebounceMs));
    g_source_set_callback(debounce_, onDebounced, this, nullptr);
}

gboolean PolicyWatcher::onDebounced(gpointer self) {
    auto* watcher = static_cast<PolicyWatcher*>(self);
    // Returning G_SOURCE_REMOVE destroys the source; drop our reference to it first so the
    // callback may schedule a new one.
    g_source_unref(watcher->debounce_);
    watcher->debounce_ = nullptr;
    watcher->on_change_();
    return G_SOURCE_REMOVE;
}

gboolean PolicyWatcher::onSighup(gpointer self) {
    // An explicit request: no debounce, the user is waiting for it.
    static_cast<PolicyWatcher*>(self)->on_change_();
    return G_SOURCE_CONTINUE;
}

}  // namespace nocontact::daemon
