// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace nocontact::daemon {

// One launch, two reports: GNOME Shell (through the extension's AppStarted) and the systemd
// user manager (the app's own unit) can both tell of the same app starting. The unit is the
// better one, as it can be frozen; GNOME Shell reports the launches it makes before their unit
// is announced, so its report waits a moment for the unit before it counts on its own. Keyed
// by app profile id. The waits are timeouts on the thread-default GLib main context.
class ShellLaunches {
  public:
    // A moment on the monotonic clock (Clock::monotonicUsec).
    using Instant = std::chrono::microseconds;

    ShellLaunches() = default;
    ~ShellLaunches();
    ShellLaunches(const ShellLaunches&) = delete;
    ShellLaunches& operator=(const ShellLaunches&) = delete;

    // The systemd user manager reported `profile` starting in a unit of its own.
    void unitLaunched(const std::string& profile, Instant now);
    // True when a unit launch of `profile` came so recently that a report of it by GNOME Shell
    // is the same launch.
    bool unitLaunchedRecently(const std::string& profile, Instant now) const;
    // Runs `then` after `wait`, unless a wait for `profile` is already running (the same
    // launch told twice): then false, and `then` never runs.
    bool waitForUnit(const std::string& profile, std::chrono::milliseconds wait,
                     std::function<void()> then);

  private:
    std::map<std::string, Instant> unit_launches_;
    std::map<std::string, unsigned> waits_;  // GLib source ids
};

}  // namespace nocontact::daemon
