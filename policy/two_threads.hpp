// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <system_error>
#include <thread>

namespace nocontact::policy {

// Runs `work(first, step)` over two threads when there are enough `items` to be worth it (the
// items first, first + step, ...), else `work(0, 1)` on this one. A thread that cannot be
// started only means the work is done here. For reading a policy: its numbers, its rule shapes.
template <typename Work>
void onTwoThreads(std::size_t items, Work work) {
    // Below this, a thread costs more than it saves.
    constexpr std::size_t kWorthAThread = 32;
    if (items >= kWorthAThread && std::thread::hardware_concurrency() > 1) {
        bool started = false;
        try {
            std::jthread other(work, 1, 2);
            started = true;
            work(0, 2);
            return;
        } catch (const std::system_error&) {
            if (started) throw;  // from the work itself, not from starting the thread
        }
    }
    work(0, 1);
}

}  // namespace nocontact::policy
