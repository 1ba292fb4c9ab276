// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/bus_source.hpp"

#include <glib.h>
#include <poll.h>
#include <systemd/sd-bus.h>

namespace nocontact::daemon {

namespace {

// Messages handled per dispatch before other sources get a turn: a flood on one connection
// must not starve the rest of the loop. The source stays ready (sd-bus reports a zero timeout
// while messages are queued), so the rest is processed on the next iteration.
constexpr int kMaxMessagesPerDispatch = 256;

}  // namespace

struct BusSource::Impl {
    Poll poll;
    Process process;
    std::function<void()> on_lost;
    GSource* source = nullptr;
    gpointer tag = nullptr;
    gpointer event_tag = nullptr;
    int fd = -1;
    int event_fd = -1;
    short events = 0;
    std::uint64_t deadline_usec = UINT64_MAX;  // the connection's, CLOCK_MONOTONIC
    bool lost = false;
    bool dispatching = false;

    void refresh(GSource* s);
    gboolean prepare(GSource* s, gint* timeout);
    void watchEventFd(GSource* s, int fd);
    void dispatch();
    static Impl* of(GSource* s);
    static gboolean prepareCb(GSource* s, gint* timeout);
    static gboolean checkCb(GSource* s);
    static gboolean dispatchCb(GSource* s, GSourceFunc, gpointer);
};

namespace {

struct SourceWithImpl {
    GSource base;
    void* impl;  // BusSource::Impl, null once the BusSource is gone
};

}  // namespace

BusSource::Impl* BusSource::Impl::of(GSource* s) {
    return static_cast<Impl*>(reinterpret_cast<SourceWithImpl*>(s)->impl);
}

gboolean BusSource::Impl::prepareCb(GSource* s, gint* timeout) {
    *timeout = -1;
    Impl* impl = of(s);
    return impl ? impl->prepare(s, timeout) : FALSE;
}

// The fds GLib checks itself; this is the connection's own deadline (a call's timeout).
gboolean BusSource::Impl::checkCb(GSource* s) {
    Impl* impl = of(s);
    return impl && impl->deadline_usec != UINT64_MAX &&
           impl->deadline_usec <= static_cast<std::uint64_t>(g_source_get_time(s));
}

gboolean BusSource::Impl::dispatchCb(GSource* s, GSourceFunc, gpointer) {
    if (Impl* impl = of(s)) impl->dispatch();
    return G_SOURCE_CONTINUE;
}

// The deadline goes back to GLib as prepare()'s timeout, never as a ready time: GLib wakes its
// context up on every g_source_set_ready_time, and a connection's deadline changes with every
// message (queued: now; a call on its way: its timeout; neither: none), so each message would
// cost the loop an extra turn. Only what changed of the fds is passed on, for the same reason
// (g_source_modify_unix_fd wakes the context too).
gboolean BusSource::Impl::prepare(GSource* s, gint* timeout) {
    refresh(s);
    if (deadline_usec == UINT64_MAX) return FALSE;
    // sd-bus and GLib both count CLOCK_MONOTONIC microseconds.
    auto now = static_cast<std::uint64_t>(g_source_get_time(s));
    if (deadline_usec <= now) {
        *timeout = 0;
        return TRUE;  // messages are queued, or a call has timed out: dispatch now
    }
    std::uint64_t ms = (deadline_usec - now + 999) / 1000;
    *timeout = ms > G_MAXINT ? G_MAXINT : static_cast<gint>(ms);
    return FALSE;
}

void BusSource::Impl::refresh(GSource* s) {
    PollData p = poll();
    if (p.fd != fd) {  // first time, or the connection was replaced (reconnect)
        if (tag) g_source_remove_unix_fd(s, tag);
        tag = p.fd >= 0 ? g_source_add_unix_fd(s, p.fd, static_cast<GIOCondition>(p.events))
                        : nullptr;
        fd = p.fd;
        events = p.events;
    } else if (tag && p.events != events) {
        g_source_modify_unix_fd(s, tag, static_cast<GIOCondition>(p.events));
        events = p.events;
    }
    if (p.event_fd != event_fd) watchEventFd(s, p.event_fd);
    deadline_usec = p.timeout_usec;
}

void BusSource::Impl::watchEventFd(GSource* s, int new_fd) {
    if (event_tag) g_source_remove_unix_fd(s, event_tag);
    event_tag = new_fd >= 0 ? g_source_add_unix_fd(s, new_fd, G_IO_IN) : nullptr;
    event_fd = new_fd;
}

void BusSource::Impl::dispatch() {
    if (dispatching) return;  // a loop run from inside a handler: the outer turn goes on
    int r = 0;
    {
        struct Busy {
            bool& flag;
            explicit Busy(bool& f) : flag(f) { flag = true; }
            ~Busy() { flag = false; }
        } busy(dispatching);
        for (int i = 0; i < kMaxMessagesPerDispatch; ++i) {
            r = process();
            if (r <= 0) break;
        }
    }
    if (r >= 0) {
        lost = false;  // working (again, after a reconnect behind `process`)
        return;
    }
    if (lost) return;
    lost = true;
    // on_lost may destroy this source (and us): call a copy, and touch nothing afterwards.
    auto cb = on_lost;
    if (cb) cb();
}

BusSource::BusSource(Poll poll, Process process, std::function<void()> on_lost)
    : impl_(new Impl{std::move(poll), std::move(process), std::move(on_lost)}) {
    static GSourceFuncs funcs = {&Impl::prepareCb, &Impl::checkCb, &Impl::dispatchCb,
                                 nullptr,          nullptr,        nullptr};
    impl_->source = g_source_new(&funcs, sizeof(SourceWithImpl));
    reinterpret_cast<SourceWithImpl*>(impl_->source)->impl = impl_;
    g_source_set_name(impl_->source, "nocontact D-Bus connection");
    // GLib takes a source that may not recurse off the poll for its dispatch and puts it back
    // after, waking its context both times (two eventfd writes and one more turn per message).
    // dispatch() keeps itself from recursing instead.
    g_source_set_can_recurse(impl_->source, TRUE);
}

BusSource::~BusSource() {
    reinterpret_cast<SourceWithImpl*>(impl_->source)->impl = nullptr;
    g_source_destroy(impl_->source);
    g_source_unref(impl_->source);
    delete impl_;
}

void BusSource::attach() {
    GMainContext* context = g_main_context_ref_thread_default();
    g_source_attach(impl_->source, context);
    g_main_context_unref(context);
}

namespace {

PollData sdBusPoll(sd_bus* bus, bool listens) {
    PollData p;
    p.fd = sd_bus_get_fd(bus);
    int events = sd_bus_get_events(bus);
    if (!listens && events > 0) events &= ~POLLIN;
    p.events = static_cast<short>(events > 0 ? events : 0);
    if (p.fd < 0 || sd_bus_get_timeout(bus, &p.timeout_usec) < 0) p.timeout_usec = UINT64_MAX;
    if (p.fd < 0) p.fd = -1;
    return p;
}

}  // namespace

std::unique_ptr<BusSource> BusSource::forSdBus(sd_bus* bus, std::function<void()> on_lost) {
    auto process = [bus] { return sd_bus_process(bus, nullptr); };
    return std::make_unique<BusSource>([bus] { return sdBusPoll(bus, true); }, process,
                                       std::move(on_lost));
}

std::unique_ptr<BusSource> BusSource::forSdBusSender(sd_bus* bus, std::function<void()> on_lost) {
    auto process = [bus] { return sd_bus_process(bus, nullptr); };
    return std::make_unique<BusSource>([bus] { return sdBusPoll(bus, false); }, process,
                                       std::move(on_lost));
}

}  // namespace nocontact::daemon
