// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace nocontact::daemon {

// The daemon's timers, as its clocks are (daemon/clock.hpp): a part of daemon/ that waits for a
// time asks a Timer, so that a test can hand in its own and move time instead of waiting.
class Timer {
  public:
    using Id = std::uint64_t;  // 0: no timer
    virtual ~Timer() = default;
    // Calls `fire` once, from the loop, `delay` from now (whole seconds), counting the time
    // the machine sleeps.
    virtual Id after(std::chrono::seconds delay, std::function<void()> fire) = 0;
    // A timer that has not fired never will; one that has, or 0: nothing.
    virtual void cancel(Id id) = 0;
};

// Timers on the default GLib main context, where the daemon's loop runs.
Timer& loopTimer();

}  // namespace nocontact::daemon
