// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/pause/libnotify_notifier.hpp"

#include <gio/gdesktopappinfo.h>
#include <gio/gio.h>

#include <functional>

#include "daemon/log.hpp"

namespace nocontact::daemon {

namespace {

void logError(log::Literal what, GError* error) {
    log::detail(log::Priority::Warning, what, error ? error->message : "unknown error");
    g_clear_error(&error);
}

}  // namespace

LibnotifyNotifier::LibnotifyNotifier(const std::string& app_name)
    : worker_(app_name, [this](const NotifyEvent& event) { onEvent(event); }) {
    askCapabilities();
}

LibnotifyNotifier::~LibnotifyNotifier() = default;

Notifier::Capabilities LibnotifyNotifier::capabilities() {
    if (!caps_known_) askCapabilities();
    return caps_;
}

void LibnotifyNotifier::forgetCapabilities() {
    caps_known_ = false;  // the last answer stays the best guess until the new one
    askCapabilities();
}

void LibnotifyNotifier::askCapabilities() {
    if (asking_) return;
    asking_ = true;
    worker_.push({.kind = NotifyOp::Kind::Capabilities});
}

Notifier::Handle LibnotifyNotifier::post(const NotificationContent& content) {
    const Handle handle = next_handle_++;
    live_.insert(handle);
    worker_.push({.kind = NotifyOp::Kind::Post, .handle = handle, .content = content});
    return handle;
}

bool LibnotifyNotifier::update(Handle handle, const NotificationContent& content) {
    if (live_.count(handle) == 0) return false;
    worker_.push({.kind = NotifyOp::Kind::Update, .handle = handle, .content = content});
    return true;
}

void LibnotifyNotifier::close(Handle handle) {
    if (live_.erase(handle) == 0) return;
    worker_.push({.kind = NotifyOp::Kind::Close, .handle = handle});
}

void LibnotifyNotifier::setCallbacks(ActionCallback on_action, ClosedCallback on_closed,
                                     FailedCallback on_failed) {
    on_action_ = std::move(on_action);
    on_closed_ = std::move(on_closed);
    on_failed_ = std::move(on_failed);
}

// Runs on the loop; each callback is called through a copy, as it may replace the callbacks.
// What concerns a handle we closed meanwhile is old news, and dropped: a
// button pressed on a pause that was already answered elsewhere does nothing.
void LibnotifyNotifier::onEvent(const NotifyEvent& event) {
    using Kind = NotifyEvent::Kind;
    const bool live = live_.count(event.handle) > 0;
    switch (event.kind) {
        case Kind::Action:
            if (live && on_action_)
                std::invoke(ActionCallback{on_action_}, event.handle, event.text);
            return;
        case Kind::Closed:
            live_.erase(event.handle);
            if (live && on_closed_)
                std::invoke(ClosedCallback{on_closed_}, event.handle, event.reason);
            return;
        case Kind::Failed:
            log::detail(log::Priority::Warning,
                        "the notification server did not take our notification", event.text);
            if (live && on_failed_) std::invoke(FailedCallback{on_failed_}, event.handle);
            return;
        case Kind::CloseFailed:
            log::detail(log::Priority::Warning, "could not close our own notification", event.text);
            return;
        case Kind::Capabilities:
            caps_ = event.caps;
            caps_known_ = true;
            asking_ = false;
            return;
        case Kind::CapabilitiesUnknown:
            asking_ = false;  // asked again when next needed
            return;
    }
}

namespace {

// Starts the app as GIO would, in nocontactd's own process tree: when there is no user manager.
bool launchOurselves(GDesktopAppInfo* info) {
    GError* error = nullptr;
    bool launched = g_app_info_launch(G_APP_INFO(info), nullptr, nullptr, &error);
    if (!launched) logError("the app did not start", error);
    return launched;
}

// Asks the systemd user manager to start the app in a unit of its own, so that it does not
// inherit nocontactd's sandbox (its seccomp filters would break apps with a JIT or their own
// sandbox, such as Electron). systemd-run is not waited for: the loop goes on, and when it ends
// without success (no user manager: a private session, a demo) the app is started directly.
// `info` is owned by the call.
void launchThroughUserManager(GDesktopAppInfo* info) {
    const char* file = g_desktop_app_info_get_filename(info);
    const char* argv[] = {"systemd-run", "--user", "--no-block", "--collect", "--quiet",
                          "gio",         "launch", file,         nullptr};
    GPid pid = 0;
    GError* error = nullptr;
    if (!file ||
        !g_spawn_async(nullptr, const_cast<gchar**>(argv), nullptr,
                       static_cast<GSpawnFlags>(G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD),
                       nullptr, nullptr, &pid, &error)) {
        if (error) g_error_free(error);
        launchOurselves(info);
        g_object_unref(info);
        return;
    }
    g_child_watch_add(
        pid,
        [](GPid child, gint status, gpointer data) {
            auto* app = static_cast<GDesktopAppInfo*>(data);
            if (!g_spawn_check_wait_status(status, nullptr)) launchOurselves(app);
            g_object_unref(app);
            g_spawn_close_pid(child);
        },
        info);
}

}  // namespace

bool launchDesktopEntry(const std::string& desktop_entry) {
    std::string id = desktop_entry + ".desktop";
    GDesktopAppInfo* info = g_desktop_app_info_new(id.c_str());
    if (!info) {
        log::detail(log::Priority::Notice, "no installed app for the desktop entry", id);
        return false;
    }
    launchThroughUserManager(info);
    return true;
}

}  // namespace nocontact::daemon
