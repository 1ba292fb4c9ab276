// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Digests (DESIGN.md §3): at each of the policy's digest times, the messages kept for later
// (and those firm and strict hold) are offered again behind a pause. Each digest time is
// offered once, even when the loop wakes late (a suspended laptop) or the clock is set back a
// little (policy::digestAfter).

#include <functional>
#include <optional>
#include <vector>

#include "daemon/clock.hpp"
#include "daemon/timer.hpp"
#include "policy/time.hpp"

namespace nocontact::daemon {

class DigestFlow {
  public:
    // `offer`: offers what waits, now.
    DigestFlow(const Clock& clock, Timer& timer, std::function<void()> offer);
    ~DigestFlow();
    DigestFlow(const DigestFlow&) = delete;
    DigestFlow& operator=(const DigestFlow&) = delete;

    // The digest times of the policy in force, at start and whenever a policy is applied: the
    // next one after the last offered is waited for (none: nothing is).
    void follow(std::vector<policy::TimeOfDay> times);
    // The digest time waited for now, if any.
    std::optional<policy::LocalTime> due() const { return due_; }

  private:
    void schedule();
    void fire();

    const Clock& clock_;
    Timer& timer_;
    std::function<void()> offer_;
    std::vector<policy::TimeOfDay> times_;
    std::optional<policy::LocalTime> due_;      // the digest time the timer waits for
    std::optional<policy::LocalTime> offered_;  // the last digest time offered
    Timer::Id timer_id_ = 0;
};

}  // namespace nocontact::daemon
