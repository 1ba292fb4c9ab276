// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>
#include <chrono>
#include <functional>
#include <string>

namespace nocontact::testing {

// A dbus-daemon of our own for one test: a minimal session-type configuration with no service
// directories (so nothing, dunst included, is ever activated behind our back), listening on a
// socket in a fresh temporary folder. Stopped and removed by the destructor.
class PrivateBus {
  public:
    PrivateBus();
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    const std::string& address() const { return address_; }
    const std::string& dir() const { return dir_; }

    // Stops the dbus-daemon now: every connection on it is lost, as when a session ends.
    // The destructor then only removes the folder.
    void stop();

  private:
    std::string dir_;
    std::string address_;
    pid_t pid_ = -1;
};

// Calls `step` (e.g. one main-loop iteration or sd_bus_process) and checks `done` until it
// holds or `deadline` passes. Never a bare sleep: returns as soon as the condition is true.
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds deadline,
               const std::function<void()>& step = {});

}  // namespace nocontact::testing
