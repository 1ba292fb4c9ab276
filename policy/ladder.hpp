// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "policy/engine.hpp"
#include "policy/level.hpp"
#include "policy/policy.hpp"

namespace nocontact::policy {

// The strictness ladder of DESIGN.md §4 as plain tables: what happens to one event from a
// contact at one effective level. The engine works out the level; these say what it means.

// An incoming message, group message the contact's `groups:` holds, missed call or notice.
std::vector<Action> incomingActions(Level level);

// An incoming call, ringing now, under the contact's `calls:` rule.
std::vector<Action> callActions(Level level, CallRule rule);

// The user calling or writing to the contact.
std::vector<Action> outgoingActions(Level level);

}  // namespace nocontact::policy
