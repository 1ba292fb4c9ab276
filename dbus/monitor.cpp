// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/monitor.hpp"

#include <systemd/sd-bus.h>
#include <time.h>

#include <cstring>
#include <stdexcept>
#include <utility>

#include "dbus/call_pairing.hpp"
#include "dbus/decode.hpp"
#include "dbus/names.hpp"
#include "dbus/session_address.hpp"

namespace nocontact::dbus {

namespace {

// Calls to be withheld that wait for the server's reply. Only a contact's calls wait, and a
// reply comes within milliseconds (the bus itself answers with an error when the server is gone),
// so only a server that hangs while 16384 of them arrive ever fills this; the oldest is then
// dealt with without its id.
constexpr std::size_t kMaxPending = 16384;

// How long BecomeMonitor may take: the bus answers it itself, normally in well under 1 ms.
constexpr std::uint64_t kBecomeMonitorTimeoutUsec = 5'000'000;

// What the monitor asks the bus to copy to it. Replies cannot be matched by member: every
// method return and error is seen, and only those answering a pending Notify are kept.
const char* const kRules[] = {
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
    "type='method_return'",
    "type='error'",
    "type='method_call',interface='org.gtk.Notifications',member='AddNotification'",
    "type='method_call',interface='org.freedesktop.portal.Notification',"
    "member='AddNotification'",
};

std::uint64_t monotonicUsec() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000 + std::uint64_t(ts.tv_nsec) / 1000;
}

std::string orEmpty(const char* s) {
    return s ? s : "";
}

bool is(const char* a, const char* b) {
    return a && b && std::strcmp(a, b) == 0;
}

}  // namespace

struct Monitor::Impl {
    std::string address;
    NeedsId needs_id;
    Callback on_notification;
    std::function<bool(std::string_view)> own;
    sd_bus* bus = nullptr;
    std::string fdo_owner;
    Counters counters;
    CallPairing pending{kMaxPending};

    ~Impl() { close(); }
    void connect();
    void close();
    static int onMessage(sd_bus_message* m, void* userdata, sd_bus_error*);
    void onCall(sd_bus_message* m);
    void onNotify(sd_bus_message* m);
    void onReply(sd_bus_message* m, bool error);
    void report(Observed& o);
};

void Monitor::Impl::close() {
    if (bus) bus = sd_bus_flush_close_unref(bus);
    pending.clear();
}

void Monitor::Impl::connect() {
    std::string where = sessionAddress(address);
    int r = sd_bus_new(&bus);
    if (r >= 0) r = sd_bus_set_address(bus, where.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0) r = sd_bus_set_monitor(bus, 1);
    // The filter claims every message, so sd-bus never answers a call meant for someone else.
    if (r >= 0) r = sd_bus_add_filter(bus, nullptr, &Impl::onMessage, this);
    if (r >= 0) r = sd_bus_start(bus);
    if (r < 0) {
        close();
        throw std::runtime_error(std::string("cannot connect the monitor: ") + strerror(-r));
    }
    sd_bus_message* call = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    r = sd_bus_message_new_method_call(bus, &call, names::kBusService, names::kBusPath,
                                       names::kMonitoringInterface, "BecomeMonitor");
    if (r >= 0) r = sd_bus_message_open_container(call, 'a', "s");
    for (const char* rule : kRules)
        if (r >= 0) r = sd_bus_message_append_basic(call, 's', rule);
    if (r >= 0) r = sd_bus_message_close_container(call);
    if (r >= 0) r = sd_bus_message_append(call, "u", 0u);
    if (r >= 0) r = sd_bus_call(bus, call, kBecomeMonitorTimeoutUsec, &error, nullptr);
    sd_bus_message_unref(call);
    std::string why = error.name ? error.name : strerror(-r);
    sd_bus_error_free(&error);
    if (r < 0) {
        close();
        throw std::runtime_error("cannot become a monitor: " + why);
    }
}

int Monitor::Impl::onMessage(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<Impl*>(userdata);
    std::uint8_t type = 0;
    sd_bus_message_get_type(m, &type);
    if (type == SD_BUS_MESSAGE_METHOD_CALL) self->onCall(m);
    if (type == SD_BUS_MESSAGE_METHOD_RETURN) self->onReply(m, false);
    if (type == SD_BUS_MESSAGE_METHOD_ERROR) self->onReply(m, true);
    return 1;  // claimed: a monitor never replies, and sd-bus must not either
}

void Monitor::Impl::onCall(sd_bus_message* m) {
    const char* iface = sd_bus_message_get_interface(m);
    const char* member = sd_bus_message_get_member(m);
    if (is(iface, names::kFdoInterface) && is(member, "Notify")) return onNotify(m);
    if (!is(member, "AddNotification")) return;
    bool gtk = is(iface, names::kGtkInterface);
    if (!gtk && !is(iface, names::kPortalInterface)) return;
    auto n = gtk ? decodeGtkAddNotification(m) : decodePortalAddNotification(m);
    if (!n) {
        ++counters.malformed;
        return;
    }
    ++counters.seen;
    Observed o{std::move(*n), orEmpty(sd_bus_message_get_sender(m)), 0, monotonicUsec(), {}};
    report(o);
}

void Monitor::Impl::onNotify(sd_bus_message* m) {
    // On GNOME a notification crosses the bus twice; judge only the call addressed to the
    // server itself, by its well-known name or its current unique name.
    const char* dest = sd_bus_message_get_destination(m);
    if (!is(dest, names::kFdoService) && (fdo_owner.empty() || !is(dest, fdo_owner.c_str())))
        return;
    std::uint64_t serial = 0;
    const char* sender = sd_bus_message_get_sender(m);
    if (sender && own && own(sender)) return;
    auto n = decodeNotify(m);
    if (!n || !sender || sd_bus_message_get_cookie(m, &serial) < 0) {
        ++counters.malformed;
        return;
    }
    ++counters.seen;
    Observed o{std::move(*n), sender, 0, 0, {}};
    o.unanswerable = sd_bus_message_get_expect_reply(m) <= 0;  // no reply will bring its id
    if (!needs_id || !needs_id(o)) return;  // shown as it came: nothing to wait for
    if (o.unanswerable) {
        o.received_usec = monotonicUsec();
        return report(o);
    }
    auto added = pending.add({sender, serial}, std::move(o));
    if (added.evicted) {
        added.evicted->unanswerable = true;
        added.evicted->received_usec = monotonicUsec();
        report(*added.evicted);
    }
}

void Monitor::Impl::onReply(sd_bus_message* m, bool error) {
    std::uint64_t serial = 0;
    const char* dest = sd_bus_message_get_destination(m);
    if (!dest || sd_bus_message_get_reply_cookie(m, &serial) < 0) return;
    auto o = pending.answer({dest, serial});
    if (!o) return;
    o->received_usec = monotonicUsec();
    const char* server = sd_bus_message_get_sender(m);
    o->server = server ? server : "";
    if (error) {
        o->refused = true;  // nothing is shown; what NeedsId did for it is still answered
        return report(*o);
    }
    auto id = decodeNotifyReply(m);
    if (!id) {  // the server showed it, and said nothing that would take it back
        ++counters.malformed;
        o->unanswerable = true;
        return report(*o);
    }
    o->fdo_id = *id;
    report(*o);
}

void Monitor::Impl::report(Observed& o) {
    if (on_notification) on_notification(o);
}

Monitor::Monitor(std::string address, NeedsId needs_id, Callback on_notification)
    : impl_(std::make_unique<Impl>()) {
    impl_->address = std::move(address);
    impl_->needs_id = std::move(needs_id);
    impl_->on_notification = std::move(on_notification);
}

Monitor::~Monitor() = default;

void Monitor::start() {
    impl_->close();
    impl_->connect();
}

sd_bus* Monitor::bus() const {
    return impl_->bus;
}

const Monitor::Counters& Monitor::counters() const {
    return impl_->counters;
}

void Monitor::skipSenders(std::function<bool(std::string_view)> own) {
    impl_->own = std::move(own);
}

void Monitor::setFdoOwner(std::string unique_name) {
    impl_->fdo_owner = std::move(unique_name);
}

void Monitor::restart() {
    ++impl_->counters.restarts;
    // No reply reaches a new connection: the calls still waiting are handed back as
    // unanswerable (what was done at each call is carried through; they stay on screen).
    for (Observed& o : impl_->pending.drain()) {
        o.unanswerable = true;
        o.received_usec = monotonicUsec();
        impl_->report(o);
    }
    start();
}

}  // namespace nocontact::dbus
