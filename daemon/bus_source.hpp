// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

typedef struct _GSource GSource;
typedef struct sd_bus sd_bus;

namespace nocontact::daemon {

// What a connection wants from poll(2): its fd, events, and an absolute CLOCK_MONOTONIC
// timeout in microseconds (UINT64_MAX for none).
struct PollData {
    int fd = -1;
    short events = 0;
    std::uint64_t timeout_usec = UINT64_MAX;
    int event_fd = -1;  // also watched for input when set (sdbus-c++ 2's wake-up fd)
};

// A GSource that drives a D-Bus connection from GLib's main loop: before each poll it asks the
// connection for its fd, events and timeout; when ready it processes messages until none is
// left. `on_lost` runs once if processing reports the connection gone. It stays on the poll
// while it dispatches (GLib would wake the loop twice to take it off and put it back), so no
// handler may run the same context's loop: a nested loop would find it ready and go round
// without sleeping (its dispatch refuses to recurse). The daemon never does; libnotify's calls
// run on a context of their own (daemon/pause/libnotify_worker).
class BusSource {
  public:
    using Poll = std::function<PollData()>;
    using Process = std::function<int()>;  // > 0: did something, 0: idle, < 0: lost
    BusSource(Poll poll, Process process, std::function<void()> on_lost);
    ~BusSource();
    BusSource(const BusSource&) = delete;
    BusSource& operator=(const BusSource&) = delete;

    void attach();  // to the thread-default main context

    // A source for a raw sd-bus connection.
    static std::unique_ptr<BusSource> forSdBus(sd_bus* bus, std::function<void()> on_lost);
    // A source for a connection that only sends, and is read by its owner when it next sends
    // (dbus::Withholder::quietBus): polled only for room to write when its messages queue, and
    // for hanging up (poll reports that whatever it is asked). What comes to it never wakes
    // the loop.
    static std::unique_ptr<BusSource> forSdBusSender(sd_bus* bus, std::function<void()> on_lost);

  private:
    struct Impl;
    Impl* impl_;
};

}  // namespace nocontact::daemon
