// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/libnotify_notifier.hpp"

#include <gio/gdesktopappinfo.h>
#include <gio/gio.h>
#include <libnotify/notify.h>

#include <cstring>

#include "daemon/log.hpp"

namespace nocontact::daemon {

namespace {

// The key under which each NotifyNotification carries its Handle.
constexpr const char* kHandleKey = "nocontact-handle";

Notifier::Handle handleOf(NotifyNotification* n) {
    return GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(n), kHandleKey));
}

void logError(log::Literal what, GError* error) {
    log::detail(log::Priority::Warning, what, error ? error->message : "unknown error");
    g_clear_error(&error);
}

}  // namespace

LibnotifyNotifier::LibnotifyNotifier(const std::string& app_name) {
    if (!notify_is_initted()) notify_init(app_name.c_str());
}

LibnotifyNotifier::~LibnotifyNotifier() {
    while (!shown_.empty())
        forget(shown_.begin()->first);
}

Notifier::Capabilities LibnotifyNotifier::capabilities() {
    if (capabilities_) return *capabilities_;
    Capabilities caps;
    GList* list = notify_get_server_caps();
    for (GList* l = list; l != nullptr; l = l->next) {
        const char* cap = static_cast<const char*>(l->data);
        if (std::strcmp(cap, "actions") == 0) caps.actions = true;
        if (std::strcmp(cap, "body-markup") == 0) caps.body_markup = true;
    }
    g_list_free_full(list, g_free);
    capabilities_ = caps;
    return caps;
}

Notifier::Handle LibnotifyNotifier::post(const NotificationContent& content) {
    NotifyNotification* n = notify_notification_new(content.summary.c_str(), nullptr, nullptr);
    Handle handle = next_handle_++;
    g_object_set_data(G_OBJECT(n), kHandleKey, GSIZE_TO_POINTER(handle));
    g_signal_connect(n, "closed", G_CALLBACK(&LibnotifyNotifier::onClosed), this);
    fill(n, content);
    if (!show(n)) {
        g_signal_handlers_disconnect_by_data(n, this);
        g_object_unref(n);
        return 0;
    }
    shown_[handle] = n;
    return handle;
}

bool LibnotifyNotifier::update(Handle handle, const NotificationContent& content) {
    auto it = shown_.find(handle);
    if (it == shown_.end()) return false;
    fill(it->second, content);
    return show(it->second);
}

void LibnotifyNotifier::close(Handle handle) {
    auto it = shown_.find(handle);
    if (it == shown_.end()) return;
    GError* error = nullptr;
    if (!notify_notification_close(it->second, &error))
        logError("could not close our own notification", error);
    forget(handle);
}

void LibnotifyNotifier::setCallbacks(ActionCallback on_action, ClosedCallback on_closed) {
    on_action_ = std::move(on_action);
    on_closed_ = std::move(on_closed);
}

// Sets everything a Notify call carries; actions and hints are replaced, not added to.
void LibnotifyNotifier::fill(NotifyNotification* n, const NotificationContent& content) {
    if (!content.app_name.empty()) notify_notification_set_app_name(n, content.app_name.c_str());
    notify_notification_clear_actions(n);
    for (const auto& action : content.actions)
        notify_notification_add_action(n, action.key.c_str(), action.label.c_str(),
                                       &LibnotifyNotifier::onAction, this, nullptr);
    notify_notification_clear_hints(n);  // first: update() puts the icon back as a hint
    notify_notification_update(n, content.summary.c_str(),
                               content.body.empty() ? nullptr : content.body.c_str(),
                               content.app_icon.empty() ? nullptr : content.app_icon.c_str());
    notify_notification_set_urgency(n, static_cast<NotifyUrgency>(content.urgency));
    if (content.value) notify_notification_set_hint_int32(n, "value", *content.value);
    if (content.transient)
        notify_notification_set_hint(n, "transient", g_variant_new_boolean(TRUE));
    if (!content.desktop_entry.empty())
        notify_notification_set_hint_string(n, "desktop-entry", content.desktop_entry.c_str());
    if (!content.category.empty()) notify_notification_set_category(n, content.category.c_str());
}

bool LibnotifyNotifier::show(NotifyNotification* n) {
    GError* error = nullptr;
    if (notify_notification_show(n, &error)) return true;
    logError("the notification server did not take our notification", error);
    return false;
}

// Drops our reference; libnotify's own signal connection goes with the object.
void LibnotifyNotifier::forget(Handle handle) {
    auto it = shown_.find(handle);
    if (it == shown_.end()) return;
    g_signal_handlers_disconnect_by_data(it->second, this);
    g_object_unref(it->second);
    shown_.erase(it);
}

void LibnotifyNotifier::onAction(NotifyNotification* n, char* action, void* self) {
    auto* notifier = static_cast<LibnotifyNotifier*>(self);
    Handle handle = handleOf(n);
    if (notifier->shown_.count(handle) == 0 || !notifier->on_action_) return;
    // libnotify still uses `n` after this returns, and the callback may close and unref it.
    g_object_ref(n);
    notifier->on_action_(handle, action ? action : "");
    g_object_unref(n);
}

void LibnotifyNotifier::onClosed(NotifyNotification* n, void* self) {
    auto* notifier = static_cast<LibnotifyNotifier*>(self);
    Handle handle = handleOf(n);
    if (notifier->shown_.count(handle) == 0) return;
    auto reason = static_cast<CloseReason>(notify_notification_get_closed_reason(n));
    auto on_closed = notifier->on_closed_;  // a copy: the call may replace the callbacks
    notifier->forget(handle);
    if (on_closed) on_closed(handle, reason);
}

namespace {

// Asks the systemd user manager to start the app in a unit of its own, so that it does not
// inherit nocontactd's sandbox (its seccomp filters would break apps with a JIT or their own
// sandbox, such as Electron). False when there is no user manager to ask. It waits for
// systemd-run, which returns as soon as the job is queued (--no-block): a click's worth of time.
bool launchThroughUserManager(const char* desktop_file) {
    const char* argv[] = {"systemd-run", "--user", "--no-block", "--collect", "--quiet",
                          "gio",         "launch", desktop_file, nullptr};
    gint status = 0;
    GError* error = nullptr;
    bool ran = g_spawn_sync(nullptr, const_cast<gchar**>(argv), nullptr, G_SPAWN_SEARCH_PATH,
                            nullptr, nullptr, nullptr, nullptr, &status, &error);
    if (error) g_error_free(error);
    return ran && g_spawn_check_wait_status(status, nullptr);
}

}  // namespace

bool launchDesktopEntry(const std::string& desktop_entry) {
    std::string id = desktop_entry + ".desktop";
    GDesktopAppInfo* info = g_desktop_app_info_new(id.c_str());
    if (!info) {
        log::detail(log::Priority::Notice, "no installed app for the desktop entry", id);
        return false;
    }
    const char* file = g_desktop_app_info_get_filename(info);
    bool launched = file && launchThroughUserManager(file);
    if (!launched) {  // no user manager (a private session, a demo): start it ourselves
        GError* error = nullptr;
        launched = g_app_info_launch(G_APP_INFO(info), nullptr, nullptr, &error);
        if (!launched) logError("the app did not start", error);
    }
    g_object_unref(info);
    return launched;
}

}  // namespace nocontact::daemon
