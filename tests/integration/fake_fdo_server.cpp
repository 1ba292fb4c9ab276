// SPDX-License-Identifier: GPL-3.0-or-later
#include "fake_fdo_server.hpp"

#include <glib.h>
#include <systemd/sd-bus.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace nocontact::testing {

namespace {

// The longest a test step may block: short enough for deadlines, long enough not to spin.
constexpr guint kHeartbeatMs = 20;

sd_bus* open(const std::string& address) {
    sd_bus* bus = nullptr;
    int r = sd_bus_new(&bus);
    if (r >= 0) r = sd_bus_set_address(bus, address.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0) r = sd_bus_start(bus);
    if (r < 0) {
        sd_bus_unref(bus);
        throw std::runtime_error(std::string("cannot connect: ") + strerror(-r));
    }
    return bus;
}

std::string uniqueOf(sd_bus* bus) {
    const char* name = nullptr;
    return bus && sd_bus_get_unique_name(bus, &name) >= 0 && name ? name : "";
}

// Reads an as into `out`.
int readStrings(sd_bus_message* m, std::vector<std::string>& out) {
    int r = sd_bus_message_enter_container(m, 'a', "s");
    const char* s = nullptr;
    while (r > 0 && (r = sd_bus_message_read(m, "s", &s)) > 0)
        out.emplace_back(s);
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

// Reads an a{sv}, keeping s, b, y, u and i values as text and skipping the rest.
int readHints(sd_bus_message* m, std::map<std::string, std::string>& hints) {
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    while (r > 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        const char* contents = nullptr;
        char type = 0;
        if ((r = sd_bus_message_read(m, "s", &key)) < 0) return r;
        if ((r = sd_bus_message_peek_type(m, &type, &contents)) < 0) return r;
        std::string sig = contents ? contents : "";
        if (sig == "s") {
            const char* s = nullptr;
            r = sd_bus_message_read(m, "v", "s", &s);
            hints[key] = s ? s : "";
        } else if (sig == "b" || sig == "u") {
            std::uint32_t v = 0;  // b is read as an int, the same size
            r = sd_bus_message_read(m, "v", sig.c_str(), &v);
            hints[key] = sig == "b" ? (v ? "true" : "false") : std::to_string(v);
        } else if (sig == "i") {
            std::int32_t v = 0;
            r = sd_bus_message_read(m, "v", "i", &v);
            hints[key] = std::to_string(v);
        } else if (sig == "y") {
            std::uint8_t v = 0;
            r = sd_bus_message_read(m, "v", "y", &v);
            hints[key] = std::to_string(v);
        } else {
            r = sd_bus_message_skip(m, "v");
        }
        if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

FakeFdoServer::Call called(const char* member, sd_bus_message* m) {
    FakeFdoServer::Call call;
    call.member = member;
    const char* sender = sd_bus_message_get_sender(m);
    call.sender = sender ? sender : "";
    call.wants_reply = sd_bus_message_get_expect_reply(m) > 0;
    return call;
}

int onNotifyReply(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* id = static_cast<std::uint32_t*>(userdata);
    if (sd_bus_message_is_method_error(m, nullptr) || sd_bus_message_read(m, "u", id) < 0)
        *id = UINT32_MAX;
    return 1;
}

}  // namespace

void iterate() {
    GSource* heartbeat = g_timeout_source_new(kHeartbeatMs);
    g_source_set_callback(
        heartbeat, [](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr, nullptr);
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(heartbeat, context);
    g_main_context_iteration(context, TRUE);
    g_source_destroy(heartbeat);
    g_source_unref(heartbeat);
    g_main_context_unref(context);
}

Client::Client(const std::string& address) : bus_(open(address)) {
    source_ = daemon::BusSource::forSdBus(bus_, [] {});
    source_->attach();
}

Client::~Client() {
    source_.reset();
    sd_bus_flush_close_unref(bus_);
}

std::string Client::uniqueName() const {
    return uniqueOf(bus_);
}

void Client::notify(const std::string& app_name, std::uint32_t replaces_id,
                    const std::string& summary, const std::string& body,
                    const std::map<std::string, std::string>& hints, std::uint32_t* id,
                    const char* destination) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &m, destination, "/org/freedesktop/Notifications",
                                           "org.freedesktop.Notifications", "Notify");
    if (r >= 0)
        r = sd_bus_message_append(m, "susssas", app_name.c_str(), replaces_id, "", summary.c_str(),
                                  body.c_str(), 2, "default", "View");
    if (r >= 0) r = sd_bus_message_open_container(m, 'a', "{sv}");
    for (const auto& [key, value] : hints)
        if (r >= 0) r = sd_bus_message_append(m, "{sv}", key.c_str(), "s", value.c_str());
    if (r >= 0) r = sd_bus_message_close_container(m);
    if (r >= 0) r = sd_bus_message_append(m, "i", -1);
    if (r >= 0) r = sd_bus_call_async(bus_, nullptr, m, onNotifyReply, id, 0);
    sd_bus_message_unref(m);
    if (r < 0) throw std::runtime_error("cannot send Notify");
}

FakeFdoServer::FakeFdoServer(const std::string& address, std::string server_name)
    : address_(address), server_name_(std::move(server_name)) {
    connect();
}

FakeFdoServer::~FakeFdoServer() {
    disconnect();
}

std::string FakeFdoServer::uniqueName() const {
    return uniqueOf(bus_);
}

void FakeFdoServer::connect() {
    static const sd_bus_vtable kVtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Notify", "susssasa{sv}i", "u", &FakeFdoServer::onNotify, 0),
        SD_BUS_METHOD("CloseNotification", "u", "", &FakeFdoServer::onClose, 0),
        SD_BUS_METHOD("GetCapabilities", "", "as", &FakeFdoServer::onCapabilities, 0),
        SD_BUS_METHOD("GetServerInformation", "", "ssss", &FakeFdoServer::onInfo, 0),
        SD_BUS_SIGNAL("NotificationClosed", "uu", 0),
        SD_BUS_SIGNAL("ActionInvoked", "us", 0),
        SD_BUS_VTABLE_END};
    bus_ = open(address_);
    int r = sd_bus_add_object_vtable(bus_, &vtable_slot_, "/org/freedesktop/Notifications",
                                     "org.freedesktop.Notifications", kVtable, this);
    if (r >= 0) r = sd_bus_request_name(bus_, "org.freedesktop.Notifications", 0);
    if (r < 0) throw std::runtime_error("cannot serve org.freedesktop.Notifications");
    source_ = daemon::BusSource::forSdBus(bus_, [] {});
    source_->attach();
}

void FakeFdoServer::resume() {
    source_ = daemon::BusSource::forSdBus(bus_, [] {});
    source_->attach();
}

void FakeFdoServer::disconnect() {
    hang(false);
    source_.reset();
    vtable_slot_ = sd_bus_slot_unref(vtable_slot_);
    if (bus_) {
        sd_bus_release_name(bus_, "org.freedesktop.Notifications");
        bus_ = sd_bus_flush_close_unref(bus_);
    }
}

void FakeFdoServer::restart() {
    disconnect();
    shown_.clear();  // a restarted server has forgotten what it showed
    connect();
}

void FakeFdoServer::hang(bool hanging) {
    hanging_ = hanging;
    if (hanging) return;
    for (sd_bus_message* reply : std::exchange(unanswered_, {}))
        answer(reply);
}

int FakeFdoServer::answer(sd_bus_message* reply) {
    if (hanging_) {
        unanswered_.push_back(reply);
        return 1;
    }
    int r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    return r < 0 ? r : 1;
}

template <typename... Values>
int FakeFdoServer::reply(sd_bus_message* m, const char* types, Values... values) {
    // Like a real server: a call sent with NO_REPLY_EXPECTED is carried out and not answered.
    if (!sd_bus_message_get_expect_reply(m)) return 1;
    sd_bus_message* message = nullptr;
    int r = sd_bus_message_new_method_return(m, &message);
    if (r >= 0 && types[0] != '\0') r = sd_bus_message_append(message, types, values...);
    if (r < 0) {
        sd_bus_message_unref(message);
        return r;
    }
    return answer(message);
}

void FakeFdoServer::emitClosed(std::uint32_t id, std::uint32_t reason, const std::string& to) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_signal(bus_, &m, "/org/freedesktop/Notifications",
                                      "org.freedesktop.Notifications", "NotificationClosed");
    if (r >= 0) r = sd_bus_message_append(m, "uu", id, reason);
    if (r >= 0 && !to.empty()) r = sd_bus_message_set_destination(m, to.c_str());
    if (r >= 0) sd_bus_send(bus_, m, nullptr);
    sd_bus_message_unref(m);
}

void FakeFdoServer::emitActionInvoked(std::uint32_t id, const std::string& action) {
    sd_bus_emit_signal(bus_, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                       "ActionInvoked", "us", id, action.c_str());
}

int FakeFdoServer::onNotify(sd_bus_message* m, void* userdata, sd_bus_error* e) {
    auto* self = static_cast<FakeFdoServer*>(userdata);
    Call call = called("Notify", m);
    const char *app = nullptr, *icon = nullptr, *summary = nullptr, *body = nullptr;
    int r = sd_bus_message_read(m, "susss", &app, &call.id, &icon, &summary, &body);
    if (r >= 0) r = readStrings(m, call.actions);
    if (r >= 0) r = readHints(m, call.hints);
    if (r >= 0) r = sd_bus_message_read(m, "i", &call.expire_timeout);
    if (r < 0) return r;
    call.app_name = app;
    call.summary = summary;
    call.body = body;
    if (!self->refused_summary_.empty() && call.summary == self->refused_summary_) {
        self->calls_.push_back(std::move(call));
        return sd_bus_error_set(e,
                                "org.freedesktop.Notifications.Error.ExcessNotificationGeneration",
                                "Created too many similar notifications in quick succession");
    }
    // Like dunst: an existing id is replaced in place, whoever asks.
    // The notification stays its creator's (GNOME checks that on CloseNotification).
    auto it = self->shown_.find(call.id);
    std::uint32_t id = it != self->shown_.end() ? call.id : self->next_id_++;
    std::string owner = it != self->shown_.end() ? it->second.sender : call.sender;
    self->shown_[id] = Shown{owner, call.summary, call.body, call.sender};
    self->calls_.push_back(std::move(call));
    return self->reply(m, "u", id);
}

int FakeFdoServer::onClose(sd_bus_message* m, void* userdata, sd_bus_error* e) {
    auto* self = static_cast<FakeFdoServer*>(userdata);
    Call call = called("CloseNotification", m);
    int r = sd_bus_message_read(m, "u", &call.id);
    if (r < 0) return r;
    self->calls_.push_back(call);
    auto it = self->shown_.find(call.id);
    if (self->refuse_foreign_close_ &&
        (it == self->shown_.end() || it->second.sender != call.sender))
        return sd_bus_error_set(e, SD_BUS_ERROR_INVALID_ARGS, "Invalid notification ID");
    if (it != self->shown_.end()) {
        std::string to = self->tell_only_the_sender_ ? it->second.last_sender : std::string();
        self->shown_.erase(it);
        self->emitClosed(call.id, 3, to);  // 3: closed by a call to CloseNotification
    }
    return self->reply(m, "");
}

int FakeFdoServer::onCapabilities(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<FakeFdoServer*>(userdata);
    self->calls_.push_back(called("GetCapabilities", m));
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "s");
    for (const auto& cap : self->capabilities_)
        if (r >= 0) r = sd_bus_message_append_basic(reply, 's', cap.c_str());
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) return self->answer(reply);
    sd_bus_message_unref(reply);
    return r;
}

int FakeFdoServer::onInfo(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<FakeFdoServer*>(userdata);
    self->calls_.push_back(called("GetServerInformation", m));
    return self->reply(m, "ssss", self->server_name_.c_str(), "nocontact-tests", "1.0", "1.2");
}

}  // namespace nocontact::testing
