// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/bus_source.hpp"

#include <glib.h>
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
    bool lost = false;

    void refresh(GSource* s);
    void watchEventFd(GSource* s, int fd);
    void dispatch();
    static Impl* of(GSource* s);
    static gboolean prepareCb(GSource* s, gint* timeout);
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
    if (Impl* impl = of(s)) impl->refresh(s);
    return FALSE;  // GLib itself checks the fd and the ready time set by refresh()
}

gboolean BusSource::Impl::dispatchCb(GSource* s, GSourceFunc, gpointer) {
    if (Impl* impl = of(s)) impl->dispatch();
    return G_SOURCE_CONTINUE;
}

// Only what changed is passed on: GLib wakes its context up on every g_source_modify_unix_fd
// and g_source_set_ready_time, so calling them unconditionally from prepare() would spin the
// loop at full CPU.
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
    // sd-bus and GLib both count CLOCK_MONOTONIC microseconds: the value passes as it is.
    bool none = p.timeout_usec == UINT64_MAX || p.timeout_usec > G_MAXINT64;
    gint64 ready = none ? -1 : static_cast<gint64>(p.timeout_usec);
    if (ready != g_source_get_ready_time(s)) g_source_set_ready_time(s, ready);
}

void BusSource::Impl::watchEventFd(GSource* s, int new_fd) {
    if (event_tag) g_source_remove_unix_fd(s, event_tag);
    event_tag = new_fd >= 0 ? g_source_add_unix_fd(s, new_fd, G_IO_IN) : nullptr;
    event_fd = new_fd;
}

void BusSource::Impl::dispatch() {
    int r = 0;
    for (int i = 0; i < kMaxMessagesPerDispatch; ++i) {
        r = process();
        if (r <= 0) break;
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
    static GSourceFuncs funcs = {&Impl::prepareCb, nullptr, &Impl::dispatchCb,
                                 nullptr,          nullptr, nullptr};
    impl_->source = g_source_new(&funcs, sizeof(SourceWithImpl));
    reinterpret_cast<SourceWithImpl*>(impl_->source)->impl = impl_;
    g_source_set_name(impl_->source, "nocontact D-Bus connection");
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

std::unique_ptr<BusSource> BusSource::forSdBus(sd_bus* bus, std::function<void()> on_lost) {
    auto poll = [bus] {
        PollData p;
        p.fd = sd_bus_get_fd(bus);
        int events = sd_bus_get_events(bus);
        p.events = static_cast<short>(events > 0 ? events : 0);
        if (p.fd < 0 || sd_bus_get_timeout(bus, &p.timeout_usec) < 0) p.timeout_usec = UINT64_MAX;
        if (p.fd < 0) p.fd = -1;
        return p;
    };
    auto process = [bus] { return sd_bus_process(bus, nullptr); };
    return std::make_unique<BusSource>(poll, process, std::move(on_lost));
}

}  // namespace nocontact::daemon
