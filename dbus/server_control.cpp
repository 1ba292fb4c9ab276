// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/server_control.hpp"

#include <systemd/sd-bus.h>

#include <cstdarg>
#include <cstring>
#include <deque>
#include <utility>

#include "dbus/ask.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

namespace {

using names::kDunstInterface;
using names::kMakoInterface;
using names::kMakoPath;
using names::kSwayncInterface;
using names::kSwayncPath;
using names::kSwayncService;
constexpr const char* kDunstPath = names::kFdoPath;

struct Call {
    ServerControl::Done done;
    ServerControl::Listed listed;
    std::string kind;
    std::shared_ptr<ServerControl::Queue> queue;  // set once sent

    void failed(const std::string& why) {
        if (done) done(false, why);
        if (listed) listed(false, {});
    }
};

}  // namespace

struct ServerControl::Queue {
    struct Waiting {
        sd_bus_message* message;
        sd_bus_message_handler_t handler;
        Call* call;
    };
    sd_bus* bus;
    std::deque<Waiting> waiting;
    int in_flight = 0;

    void sendWaiting(const std::shared_ptr<Queue>& self);
    void answered(const std::shared_ptr<Queue>& self) {
        --in_flight;
        sendWaiting(self);
    }
};

namespace {

// Sends one call now; false (and the call told why, and freed) when it could not be sent.
bool sendNow(const std::shared_ptr<ServerControl::Queue>& queue, sd_bus_message* m,
             sd_bus_message_handler_t handler, Call* call) {
    sd_bus_slot* slot = nullptr;
    int r = sd_bus_call_async(queue->bus, &slot, m, handler, call, 0);
    sd_bus_message_unref(m);
    if (r < 0) {
        call->failed(std::string("not sent: ") + std::strerror(-r));
        delete call;
        return false;
    }
    call->queue = queue;
    sd_bus_slot_set_destroy_callback(slot, [](void* p) { delete static_cast<Call*>(p); });
    sd_bus_slot_set_floating(slot, 1);
    sd_bus_slot_unref(slot);
    return true;
}

// After a reply: the next waiting call goes out. The queue is held while the caller's
// callback runs (it may destroy the ServerControl).
void answered(Call* call) {
    if (auto queue = call->queue) queue->answered(queue);
}

int onDone(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* call = static_cast<Call*>(userdata);
    bool error = sd_bus_message_is_method_error(m, nullptr);
    if (call->done) call->done(!error, error ? errorText(m) : std::string());
    answered(call);
    return 1;
}

// One a{sv} entry: strings and the id; everything else skipped.
int readEntry(sd_bus_message* m, ServerNotification& n) {
    int r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        if ((r = sd_bus_message_read_basic(m, 's', &key)) < 0) return r;
        const char* type = nullptr;
        if ((r = sd_bus_message_peek_type(m, nullptr, &type)) < 0) return r;
        std::string k = key;
        if (std::strcmp(type, "s") == 0) {
            const char* s = nullptr;
            if ((r = sd_bus_message_read(m, "v", "s", &s)) < 0) return r;
            if (k == "appname" || k == "app-name")
                n.app_name = s;
            else if (k == "summary")
                n.summary = s;
            else if (k == "body")
                n.body = s;
            else if (k == "category")
                n.category = s;
        } else if (k == "id" && std::strcmp(type, "u") == 0) {
            if ((r = sd_bus_message_read(m, "v", "u", &n.id)) < 0) return r;
        } else if (k == "id" && std::strcmp(type, "i") == 0) {
            std::int32_t id = 0;
            if ((r = sd_bus_message_read(m, "v", "i", &id)) < 0) return r;
            n.id = id > 0 ? static_cast<std::uint32_t>(id) : 0;
        } else if ((r = sd_bus_message_skip(m, "v")) < 0) {
            return r;
        }
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    return r;
}

int onListed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* call = static_cast<Call*>(userdata);
    std::vector<ServerNotification> out;
    bool ok = !sd_bus_message_is_method_error(m, nullptr) &&
              sd_bus_message_enter_container(m, 'a', "a{sv}") > 0;
    int r = 0;
    while (ok && (r = sd_bus_message_enter_container(m, 'a', "{sv}")) > 0) {
        ServerNotification n;
        ok = readEntry(m, n) >= 0 && sd_bus_message_exit_container(m) >= 0;
        if (ok && n.id != 0) out.push_back(std::move(n));
    }
    ok = ok && r >= 0;
    if (call->listed) call->listed(ok, ok ? std::move(out) : std::vector<ServerNotification>{});
    answered(call);
    return 1;
}

// Builds the call and sends it, or keeps it until fewer than kMaxInFlight are unanswered.
void send(const std::shared_ptr<ServerControl::Queue>& queue, const std::string& dest,
          const char* path, const char* iface, const char* member, sd_bus_message_handler_t handler,
          Call* call, const char* types, ...) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(queue->bus, &m, dest.c_str(), path, iface, member);
    if (r >= 0) r = sd_bus_message_set_auto_start(m, 0);
    if (r >= 0 && types && *types) {
        va_list ap;
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
    }
    if (r < 0) {
        sd_bus_message_unref(m);
        call->failed(std::string("not sent: ") + std::strerror(-r));
        delete call;
        return;
    }
    queue->waiting.push_back({m, handler, call});
    queue->sendWaiting(queue);
}

}  // namespace

void ServerControl::Queue::sendWaiting(const std::shared_ptr<Queue>& self) {
    while (in_flight < kMaxInFlight && !waiting.empty()) {
        Waiting next = waiting.front();
        waiting.pop_front();
        if (sendNow(self, next.message, next.handler, next.call)) ++in_flight;
    }
}

ServerControl::ServerControl(sd_bus* bus) : queue_(std::make_shared<Queue>()) {
    queue_->bus = bus;
}

ServerControl::~ServerControl() {
    for (auto& w : queue_->waiting) {
        sd_bus_message_unref(w.message);
        delete w.call;
    }
    queue_->waiting.clear();
}

int ServerControl::inFlight() const {
    return queue_->in_flight;
}

std::size_t ServerControl::waiting() const {
    return queue_->waiting.size();
}

void ServerControl::dunstRuleEnable(const std::string& server, const std::string& rule, bool on,
                                    Done done) {
    send(queue_, server, kDunstPath, kDunstInterface, "RuleEnable", &onDone,
         new Call{std::move(done), {}, "dunst", {}}, "si", rule.c_str(), on ? 1 : 0);
}

void ServerControl::reload(const std::string& kind, const std::string& server, Done done) {
    auto* call = new Call{std::move(done), {}, kind, {}};
    if (kind == "dunst")
        // ConfigReload(as configs): an empty list reads the default places again (1.12).
        send(queue_, server, kDunstPath, kDunstInterface, "ConfigReload", &onDone, call, "as", 0);
    else if (kind == "mako")
        send(queue_, server, kMakoPath, kMakoInterface, "Reload", &onDone, call, "");
    else
        send(queue_, kSwayncService, kSwayncPath, kSwayncInterface, "ReloadConfig", &onDone, call,
             "");
}

void ServerControl::list(const std::string& kind, const std::string& server, Listed done) {
    auto* call = new Call{{}, std::move(done), kind, {}};
    if (kind == "dunst")
        send(queue_, server, kDunstPath, kDunstInterface, "NotificationListHistory", &onListed,
             call, "");
    else
        send(queue_, server, kMakoPath, kMakoInterface, "ListNotifications", &onListed, call, "");
}

void ServerControl::drop(const std::string& kind, const std::string& server, std::uint32_t id,
                         Done done) {
    auto* call = new Call{std::move(done), {}, kind, {}};
    if (kind == "dunst")
        send(queue_, server, kDunstPath, kDunstInterface, "NotificationRemoveFromHistory", &onDone,
             call, "u", id);
    else  // not DismissNotification: mako 1.7 reads the notification after freeing it there
        send(queue_, server, names::kFdoPath, names::kFdoInterface, "CloseNotification", &onDone,
             call, "u", id);
}

}  // namespace nocontact::dbus
