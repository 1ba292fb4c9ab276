// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/timer.hpp"

#include <glib-unix.h>
#include <glib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <utility>

namespace nocontact::daemon {

namespace {

// Each timer is a timerfd on CLOCK_BOOTTIME, which goes on counting while the machine sleeps:
// a digest time or a schedule's edge that passes during a suspend comes at the wake-up, not
// as long after it as the sleep lasted (GLib's own timers count CLOCK_MONOTONIC, which a
// suspend stops). Where a timerfd cannot be made, GLib's timer is used.
class LoopTimer final : public Timer {
  public:
    Id after(std::chrono::seconds delay, std::function<void()> fire) override {
        const Id id = ++last_;
        auto* pending = new Pending{this, id, std::move(fire), -1};
        const auto seconds = delay.count() < 0 ? 0 : delay.count();
        pending->fd = ::timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        itimerspec when{};
        when.it_value.tv_sec = static_cast<time_t>(seconds);
        when.it_value.tv_nsec = seconds == 0 ? 1 : 0;  // all zeros would disarm it
        if (pending->fd >= 0 && ::timerfd_settime(pending->fd, 0, &when, nullptr) != 0) {
            ::close(pending->fd);
            pending->fd = -1;
        }
        if (pending->fd >= 0) {
            sources_[id] = g_unix_fd_add_full(G_PRIORITY_DEFAULT, pending->fd, G_IO_IN,
                                              &LoopTimer::onReady, pending, &LoopTimer::release);
        } else {
            sources_[id] =
                g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, static_cast<guint>(seconds),
                                           &LoopTimer::onTimeout, pending, &LoopTimer::release);
        }
        return id;
    }

    void cancel(Id id) override {
        auto source = sources_.find(id);
        if (source == sources_.end()) return;
        g_source_remove(source->second);
        sources_.erase(source);
    }

  private:
    struct Pending {
        LoopTimer* timer;
        Id id;
        std::function<void()> fire;
        int fd;  // -1 for GLib's timer
    };

    static gboolean onReady(gint fd, GIOCondition, gpointer p) {
        std::uint64_t expirations = 0;
        [[maybe_unused]] const ssize_t n = ::read(fd, &expirations, sizeof expirations);
        return onTimeout(p);
    }

    static gboolean onTimeout(gpointer p) {
        auto* pending = static_cast<Pending*>(p);
        pending->timer->sources_.erase(pending->id);  // fired: cancel() is a no-op from here on
        pending->fire();
        return G_SOURCE_REMOVE;
    }

    static void release(gpointer p) {
        auto* pending = static_cast<Pending*>(p);
        if (pending->fd >= 0) ::close(pending->fd);
        delete pending;
    }

    Id last_ = 0;
    std::map<Id, guint> sources_;
};

}  // namespace

Timer& loopTimer() {
    static LoopTimer timer;
    return timer;
}

}  // namespace nocontact::daemon
