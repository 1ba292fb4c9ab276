// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

#include "policy/engine.hpp"
#include "policy/schedule.hpp"
#include "policy/words.hpp"

namespace nocontact::policy {

// How one contact's level came about at one moment: the policy's level, then the user's
// override, then the schedule raise. Internal to the engine; the sentence is built only when
// somebody reads it, so that deciding stays cheap.
struct Effective {
    Level base = Level::Pause;
    bool base_is_default = true;       // the contact names no strictness of its own
    const Override* change = nullptr;  // soften, harden or final straw in force
    Level after_change = Level::Pause;
    std::optional<ActiveRaise> raise;  // the schedule raise that applies
    Level level = Level::Pause;
};

// The effective level of `contact`. `change` is the override in force for it (or nullptr).
// A soften sets schedule raises aside; harden and final straw do not.
Effective effectiveLevel(const Policy& policy, const Contact& contact, const Override* change,
                         const Moment& now);

// When `e` may next change: the override's expiry and, unless schedules cannot matter, the
// next schedule edge.
WakeAt changesAt(const Policy& policy, const Effective& e, const Moment& now);

// "Alex: firm (policy), raised to strict by 'late night' until 06:00."
// In the words `w` gives.
std::string explainLevel(const Policy& policy, const Contact& contact, const Effective& e,
                         const Moment& now, const Words& w = {});

// "Snoozed until 18:00 — nocontact is resting."
std::string explainSnooze(const Override& snooze, const Moment& now, const Words& w = {});

// A utc instant as a wall-clock reading, using the offset in force at `now`. Good enough for
// words in a sentence; wake-ups keep the exact instant.
LocalTime approxLocal(SysTime t, const Moment& now);

// "06:00" today, "tomorrow 06:00", else "2026-11-28 06:00": the day is said whenever it is
// not today.
std::string formatWhen(LocalTime t, const Moment& now, const Words& w = {});

}  // namespace nocontact::policy
