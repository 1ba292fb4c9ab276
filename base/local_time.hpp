// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/time.hpp"

namespace nocontact::local_time {

// The core reads no clock; the edges (nocontactd, nocontactctl) read it here, in the zone of
// the process (TZ), and hand the core both readings of the same instant.
policy::Moment momentNow();

// The instant a local wall-clock time names in the process's zone. In the hour that repeats
// when clocks go back, mktime picks one of the two readings.
policy::Moment momentAtLocal(policy::LocalTime local);

// The wall-clock reading of an instant in the process's zone.
policy::LocalTime toLocal(policy::SysTime utc);

// Converts a local wake-up time to an absolute one, for timers.
policy::SysTime toUtc(policy::LocalTime local);

}  // namespace nocontact::local_time
