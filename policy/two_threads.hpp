// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <exception>
#include <system_error>
#include <thread>

namespace nocontact::policy {

// Runs `work(first, step)` over two threads when there are enough `items` to be worth it (the
// items first, first + step, ...), else `work(0, 1)` on this one. A thread that cannot be
// started only means the work is done here. What either half throws reaches the caller, this
// thread's first. For reading a policy: its numbers, its rule shapes.
template <typename Work>
void onTwoThreads(std::size_t items, Work work) {
    // Below this, a thread costs more than it saves.
    constexpr std::size_t kWorthAThread = 32;
    if (items >= kWorthAThread && std::thread::hardware_concurrency() > 1) {
        std::exception_ptr others;
        std::jthread other;
        try {
            other = std::jthread([&work, &others] {
                try {
                    work(1, 2);
                } catch (...) {
                    others = std::current_exception();
                }
            });
        } catch (const std::system_error&) {
            work(0, 1);  // no second thread: all of it here
            return;
        }
        std::exception_ptr mine;
        try {
            work(0, 2);
        } catch (...) {
            mine = std::current_exception();
        }
        other.join();
        if (mine) std::rethrow_exception(mine);
        if (others) std::rethrow_exception(others);
        return;
    }
    work(0, 1);
}

}  // namespace nocontact::policy
