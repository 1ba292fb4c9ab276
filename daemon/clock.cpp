// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/clock.hpp"

#include <glib.h>

#include "base/local_time.hpp"

namespace nocontact::daemon {

namespace {

class SystemClock final : public Clock {
  public:
    policy::Moment now() const override { return local_time::momentNow(); }
    std::int64_t monotonicUsec() const override { return g_get_monotonic_time(); }
};

}  // namespace

const Clock& systemClock() {
    static const SystemClock clock;
    return clock;
}

}  // namespace nocontact::daemon
