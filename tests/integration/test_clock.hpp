// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "daemon/clock.hpp"
#include "daemon/timer.hpp"

namespace nocontact::testing {

// A daemon::Clock that stands still until the test moves it, in a zone `offset` from UTC.
class TestClock final : public daemon::Clock {
  public:
    explicit TestClock(policy::SysTime at, std::chrono::seconds offset = {})
        : utc_(at), offset_(offset) {}

    policy::Moment now() const override {
        return {utc_, policy::LocalTime{utc_.time_since_epoch() + offset_}};
    }
    std::int64_t monotonicUsec() const override { return monotonic_.count(); }

    // Both clocks move on by `by`, as time passing would move them.
    void advance(std::chrono::seconds by) {
        utc_ += by;
        monotonic_ += by;
    }

  private:
    policy::SysTime utc_;
    std::chrono::seconds offset_;
    std::chrono::microseconds monotonic_{1'000'000};
};

// A daemon::Timer on a TestClock: its timers fire only when the test moves time on.
class HandTimer final : public daemon::Timer {
  public:
    explicit HandTimer(TestClock& clock) : clock_(clock) {}

    Id after(std::chrono::seconds delay, std::function<void()> fire) override {
        pending_[++last_] = {clock_.now().utc + delay, std::move(fire)};
        return last_;
    }
    void cancel(Id id) override { pending_.erase(id); }

    // Moves time on by `by`, firing each timer at the moment it is due, in order.
    void advance(std::chrono::seconds by) {
        const policy::SysTime end = clock_.now().utc + by;
        while (!pending_.empty()) {
            auto next = pending_.begin();
            for (auto it = pending_.begin(); it != pending_.end(); ++it)
                if (it->second.at < next->second.at) next = it;
            if (next->second.at > end) break;
            if (next->second.at > clock_.now().utc)
                clock_.advance(next->second.at - clock_.now().utc);
            auto fire = std::move(next->second.fire);
            pending_.erase(next);
            fire();
        }
        if (end > clock_.now().utc) clock_.advance(end - clock_.now().utc);
    }
    // Fires every timer now, however far off: a loop that wakes late (after a suspend, when
    // the wall clock has moved on without it).
    void fireAll() {
        auto pending = std::move(pending_);
        pending_.clear();
        for (auto& [id, timer] : pending)
            timer.fire();
    }
    std::size_t pending() const { return pending_.size(); }

  private:
    struct Pending {
        policy::SysTime at;
        std::function<void()> fire;
    };
    TestClock& clock_;
    Id last_ = 0;
    std::map<Id, Pending> pending_;
};

}  // namespace nocontact::testing
