// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

#include "policy/time.hpp"

namespace nocontact::daemon {

// The daemon's clocks, in one place. Every part of daemon/ asks a Clock for the time rather
// than reading one itself, so a test can hand in its own and move time instead of waiting.
class Clock {
  public:
    virtual ~Clock() = default;
    // The wall clock, with its local reading in the process's zone (TZ): what the policy
    // decides with and what the journal records.
    virtual policy::Moment now() const = 0;
    // The monotonic clock in microseconds (g_get_monotonic_time's clock, the same in every
    // process): deadlines and retries, which must not move when the wall clock is set.
    virtual std::int64_t monotonicUsec() const = 0;
};

// The machine's clocks: the only place daemon/ reads them.
const Clock& systemClock();

}  // namespace nocontact::daemon
