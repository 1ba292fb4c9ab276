// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>

#include "daemon/clock.hpp"

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

}  // namespace nocontact::testing
