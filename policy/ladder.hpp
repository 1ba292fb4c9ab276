// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include "policy/engine.hpp"
#include "policy/level.hpp"
#include "policy/policy.hpp"
#include "policy/time.hpp"

namespace nocontact::policy {

// The strictness ladder of DESIGN.md §4 as plain tables: what happens to one event from a
// contact at one effective level. The engine works out the level; these say what it means.

// An incoming message, group message the contact's `groups:` holds, missed call or notice.
std::vector<Action> incomingActions(Level level);

// An incoming call, ringing now, under the contact's `calls:` rule.
std::vector<Action> callActions(Level level, CallRule rule);

// The user calling or writing to the contact.
std::vector<Action> outgoingActions(Level level);

// How long the breath before reaching out lasts at `level`: the policy's `pause`, twice that at
// firm and strict, which also show their reasons. Before answering a call or going on with one,
// at most kCallPause: a phone rings for about half a minute, and the choice must still be there
// when the countdown ends.
inline constexpr Seconds kCallPause{10};
Seconds reachPause(Seconds pause, std::optional<Level> level);
Seconds callPause(Seconds pause, std::optional<Level> level);

// Messages waiting behind a pause when nocontactd starts again (after a restart or a crash) get
// their pause again only at `pause`: at firm they wait for the digest, at strict for the person.
bool pauseReopenedAtStart(Level level);
// What a digest time offers again, behind a pause: every waiting message but strict's, which
// only the person's own asking (`nocontactctl held`) shows.
bool offeredAtDigest(Level level);

// What is true of a decision about a message once the screen had its say (the engine decides
// before anything is tried).
// A message that stays in view (the server never said which notification it became, so it
// cannot be taken off the screen): kept and counted as decided, and a message that was to be
// withheld gets no pause over it (a call's pause, which is over no message, stays).
Decision stayingInView(Decision decision);
// A message shown before the answer about it came (GNOME Shell stopped waiting): journaled as
// shown and counted, never also held.
Decision shownAnyway(Decision decision);

}  // namespace nocontact::policy
