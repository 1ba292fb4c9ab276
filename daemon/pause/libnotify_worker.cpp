// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/pause/libnotify_worker.hpp"

#include <glib.h>
#include <libnotify/notify.h>

#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "daemon/log.hpp"

namespace nocontact::daemon {

namespace {

// The key under which each NotifyNotification carries its Handle.
constexpr const char* kHandleKey = "nocontact-handle";

Notifier::Handle handleOf(NotifyNotification* n) {
    return GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(n), kHandleKey));
}

std::string messageOf(GError* error) {
    std::string text = error ? error->message : "unknown error";
    g_clear_error(&error);
    return text;
}

// Sets everything a Notify call carries; actions and hints are replaced, not added to.
void fill(NotifyNotification* n, const NotificationContent& content, NotifyActionCallback on_action,
          void* data) {
    if (!content.app_name.empty()) notify_notification_set_app_name(n, content.app_name.c_str());
    notify_notification_clear_actions(n);
    for (const auto& action : content.actions)
        notify_notification_add_action(n, action.key.c_str(), action.label.c_str(), on_action, data,
                                       nullptr);
    notify_notification_clear_hints(n);  // first: update() puts the icon back as a hint
    notify_notification_update(n, content.summary.c_str(),
                               content.body.empty() ? nullptr : content.body.c_str(),
                               content.app_icon.empty() ? nullptr : content.app_icon.c_str());
    notify_notification_set_urgency(n, static_cast<NotifyUrgency>(content.urgency));
    notify_notification_set_timeout(
        n, content.until_closed ? NOTIFY_EXPIRES_NEVER : NOTIFY_EXPIRES_DEFAULT);
    if (content.until_closed)
        notify_notification_set_hint(n, "resident", g_variant_new_boolean(TRUE));
    if (content.value) notify_notification_set_hint_int32(n, "value", *content.value);
    if (content.transient)
        notify_notification_set_hint(n, "transient", g_variant_new_boolean(TRUE));
    if (!content.desktop_entry.empty())
        notify_notification_set_hint_string(n, "desktop-entry", content.desktop_entry.c_str());
    if (!content.category.empty()) notify_notification_set_category(n, content.category.c_str());
}

}  // namespace

struct LibnotifyWorker::Shared : std::enable_shared_from_this<LibnotifyWorker::Shared> {
    struct Shown {
        NotifyNotification* n = nullptr;
        bool until_closed = false;
        bool posted = false;  // the server took it at least once
    };

    Shared(std::string name, Deliver to) : app_name(std::move(name)), deliver(std::move(to)) {}
    ~Shared() {
        if (context) g_main_context_unref(context);
        if (home) g_main_context_unref(home);
    }

    // The thread's own work, in the order it happens.
    void run();
    void drain();
    void execute(NotifyOp op);
    void post(Notifier::Handle handle, const NotificationContent& content);
    void show(Notifier::Handle handle, const NotificationContent& content);
    void close(Notifier::Handle handle);
    void askCapabilities();
    void forget(Notifier::Handle handle);
    void finish();
    static void onAction(NotifyNotification* n, char* action, void* self);
    static void onClosed(NotifyNotification* n, void* self);
    // Hands `event` to the loop that started the worker.
    void send(NotifyEvent event);
    // Runs `job` on the thread's context (from any thread).
    void invoke(void (*job)(Shared&));

    const std::string app_name;
    GMainContext* context = g_main_context_new();  // the thread's
    GMainContext* home = g_main_context_ref_thread_default();
    GMainLoop* loop = nullptr;  // the thread's only

    std::mutex mutex;
    std::condition_variable done_changed;
    NotifyQueue queue;          // guarded by mutex
    bool drain_queued = false;  // guarded: a drain waits on the thread's context
    bool done = false;          // guarded: the thread has finished

    Deliver deliver;                            // the loop's only
    std::map<Notifier::Handle, Shown> objects;  // the thread's only
};

LibnotifyWorker::LibnotifyWorker(std::string app_name, Deliver deliver)
    : shared_(std::make_shared<Shared>(std::move(app_name), std::move(deliver))) {
    thread_ = std::thread([shared = shared_] { shared->run(); });
}

LibnotifyWorker::~LibnotifyWorker() {
    shared_->deliver = nullptr;
    shared_->invoke([](Shared& s) {
        if (s.loop) g_main_loop_quit(s.loop);
    });
    std::unique_lock lock(shared_->mutex);
    if (shared_->done_changed.wait_for(lock, kNotifyStopWait, [&] { return shared_->done; })) {
        lock.unlock();
        thread_.join();
        return;
    }
    lock.unlock();
    log::write(log::Priority::Warning,
               "The notification server is not answering; nocontactd stops without waiting");
    thread_.detach();  // it holds its own share of what it uses
}

void LibnotifyWorker::push(NotifyOp op) {
    std::lock_guard lock(shared_->mutex);
    shared_->queue.push(std::move(op));
    if (shared_->drain_queued) return;
    shared_->drain_queued = true;
    shared_->invoke([](Shared& s) { s.drain(); });
}

void LibnotifyWorker::Shared::invoke(void (*job)(Shared&)) {
    struct Call {
        std::shared_ptr<Shared> shared;
        void (*job)(Shared&);
    };
    g_main_context_invoke_full(
        context, G_PRIORITY_DEFAULT,
        [](gpointer data) -> gboolean {
            auto* call = static_cast<Call*>(data);
            call->job(*call->shared);
            return G_SOURCE_REMOVE;
        },
        new Call{shared_from_this(), job}, [](gpointer data) { delete static_cast<Call*>(data); });
}

void LibnotifyWorker::Shared::send(NotifyEvent event) {
    struct Delivery {
        std::shared_ptr<Shared> shared;
        NotifyEvent event;
    };
    g_main_context_invoke_full(
        home, G_PRIORITY_DEFAULT,
        [](gpointer data) -> gboolean {
            auto* delivery = static_cast<Delivery*>(data);
            if (delivery->shared->deliver) delivery->shared->deliver(delivery->event);
            return G_SOURCE_REMOVE;
        },
        new Delivery{shared_from_this(), std::move(event)},
        [](gpointer data) { delete static_cast<Delivery*>(data); });
}

void LibnotifyWorker::Shared::run() {
    g_main_context_push_thread_default(context);
    if (!notify_is_initted()) notify_init(app_name.c_str());
    loop = g_main_loop_new(context, FALSE);
    g_main_loop_run(loop);
    finish();
    g_main_loop_unref(std::exchange(loop, nullptr));
    // What still waits on the context (GDBus letting go of the proxy's subscriptions, drains
    // that found nothing) holds references: let it run, so that nothing outlives the thread.
    while (g_main_context_iteration(context, FALSE)) {
    }
    g_main_context_pop_thread_default(context);
    std::lock_guard lock(mutex);
    done = true;
    done_changed.notify_all();
}

// One op at a time, the lock released while the server is asked.
void LibnotifyWorker::Shared::drain() {
    for (;;) {
        std::optional<NotifyOp> op;
        {
            std::lock_guard lock(mutex);
            op = queue.pop();
            if (!op) {
                drain_queued = false;
                return;
            }
        }
        execute(std::move(*op));
    }
}

void LibnotifyWorker::Shared::execute(NotifyOp op) {
    switch (op.kind) {
        case NotifyOp::Kind::Post:
            return post(op.handle, op.content);
        case NotifyOp::Kind::Update:
            if (objects.count(op.handle) > 0) show(op.handle, op.content);
            return;
        case NotifyOp::Kind::Close:
            return close(op.handle);
        case NotifyOp::Kind::Capabilities:
            return askCapabilities();
    }
}

void LibnotifyWorker::Shared::post(Notifier::Handle handle, const NotificationContent& content) {
    NotifyNotification* n = notify_notification_new(content.summary.c_str(), nullptr, nullptr);
    g_object_set_data(G_OBJECT(n), kHandleKey, GSIZE_TO_POINTER(handle));
    g_signal_connect(n, "closed", G_CALLBACK(&Shared::onClosed), this);
    objects[handle] = Shown{.n = n};
    show(handle, content);
}

// A failed show keeps the object: the next update tries again (on a server that came back).
void LibnotifyWorker::Shared::show(Notifier::Handle handle, const NotificationContent& content) {
    Shown& shown = objects.at(handle);
    shown.until_closed = content.until_closed;
    fill(shown.n, content, &Shared::onAction, this);
    GError* error = nullptr;
    if (notify_notification_show(shown.n, &error)) {
        shown.posted = true;
        return;
    }
    send({.kind = NotifyEvent::Kind::Failed, .handle = handle, .text = messageOf(error)});
}

void LibnotifyWorker::Shared::close(Notifier::Handle handle) {
    auto it = objects.find(handle);
    if (it == objects.end()) return;
    g_signal_handlers_disconnect_by_data(it->second.n, this);  // our close is not reported
    GError* error = nullptr;
    if (it->second.posted && !notify_notification_close(it->second.n, &error))
        send({.kind = NotifyEvent::Kind::CloseFailed, .handle = handle, .text = messageOf(error)});
    forget(handle);
}

void LibnotifyWorker::Shared::askCapabilities() {
    GList* list = notify_get_server_caps();
    if (!list) {  // unreachable (a server with no capabilities at all is not worth telling apart)
        send({.kind = NotifyEvent::Kind::CapabilitiesUnknown});
        return;
    }
    Notifier::Capabilities caps;
    for (GList* l = list; l != nullptr; l = l->next) {
        const char* cap = static_cast<const char*>(l->data);
        if (std::strcmp(cap, "actions") == 0) caps.actions = true;
        if (std::strcmp(cap, "body-markup") == 0) caps.body_markup = true;
    }
    g_list_free_full(list, g_free);
    send({.kind = NotifyEvent::Kind::Capabilities, .caps = caps});
}

// Drops our reference; libnotify's own signal connection goes with the object.
void LibnotifyWorker::Shared::forget(Notifier::Handle handle) {
    auto it = objects.find(handle);
    if (it == objects.end()) return;
    g_signal_handlers_disconnect_by_data(it->second.n, this);
    g_object_unref(it->second.n);
    objects.erase(it);
}

// Stopping: what was asked is done (a message given back to the screen must reach it), the
// notifications that would stay until answered are closed (nobody is left to answer them), and
// the rest forgotten. libnotify is left, so that its proxy (made on this thread) goes too.
void LibnotifyWorker::Shared::finish() {
    drain();
    while (!objects.empty()) {
        auto it = objects.begin();
        if (it->second.until_closed)
            close(it->first);
        else
            forget(it->first);
    }
    notify_uninit();
}

void LibnotifyWorker::Shared::onAction(NotifyNotification* n, char* action, void* self) {
    static_cast<Shared*>(self)->send(
        {.kind = NotifyEvent::Kind::Action, .handle = handleOf(n), .text = action ? action : ""});
}

void LibnotifyWorker::Shared::onClosed(NotifyNotification* n, void* self) {
    auto* shared = static_cast<Shared*>(self);
    const Notifier::Handle handle = handleOf(n);
    auto reason = static_cast<CloseReason>(notify_notification_get_closed_reason(n));
    shared->forget(handle);  // libnotify holds its own reference while it emits this
    shared->send({.kind = NotifyEvent::Kind::Closed, .handle = handle, .reason = reason});
}

}  // namespace nocontact::daemon
