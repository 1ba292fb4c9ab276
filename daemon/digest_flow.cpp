// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/digest_flow.hpp"

#include <algorithm>
#include <utility>

#include "base/local_time.hpp"
#include "policy/schedule.hpp"

namespace nocontact::daemon {

DigestFlow::DigestFlow(const Clock& clock, Timer& timer, std::function<void()> offer)
    : clock_(clock), timer_(timer), offer_(std::move(offer)) {}

DigestFlow::~DigestFlow() {
    timer_.cancel(timer_id_);
}

void DigestFlow::follow(std::vector<policy::TimeOfDay> times) {
    times_ = std::move(times);
    schedule();
}

void DigestFlow::schedule() {
    timer_.cancel(timer_id_);
    timer_id_ = 0;
    const auto now = clock_.now();
    due_ = policy::digestAfter(times_, offered_, now.local);
    if (!due_) return;
    const auto delay = local_time::toUtc(*due_) - now.utc;
    // At least a second: a digest time that is "now" in a zone change must not spin.
    timer_id_ = timer_.after(std::max(delay, std::chrono::seconds{1}), [this] { fire(); });
}

void DigestFlow::fire() {
    timer_id_ = 0;
    offered_ = due_;
    offer_();
    schedule();
}

}  // namespace nocontact::daemon
