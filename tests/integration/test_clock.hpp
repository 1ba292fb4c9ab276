// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "base/local_time.hpp"
#include "daemon/clock.hpp"
#include "daemon/timer.hpp"

namespace nocontact::testing {

// A daemon::Clock that stands still until the test moves it, in a zone `offset` from UTC, or
// in the process's own zone (TZ, summer time and all) when made with inProcessZone().
class TestClock final : public daemon::Clock {
  public:
    explicit TestClock(policy::SysTime at, std::chrono::seconds offset = {})
        : utc_(at), offset_(offset) {}
    static TestClock inProcessZone(policy::SysTime at) {
        TestClock clock(at);
        clock.process_zone_ = true;
        return clock;
    }

    policy::Moment now() const override {
        if (process_zone_) return {utc_, local_time::toLocal(utc_)};
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
    bool process_zone_ = false;
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
    // Fires every timer pending now, however far off, in the order they were set (one that an
    // earlier one cancels does not fire): a loop that wakes late, when the wall clock has moved
    // on without it.
    void fireAll() {
        std::vector<Id> ids;
        for (const auto& [id, timer] : pending_)
            ids.push_back(id);
        for (Id id : ids) {
            auto it = pending_.find(id);
            if (it == pending_.end()) continue;
            auto fire = std::move(it->second.fire);
            pending_.erase(it);
            fire();
        }
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
