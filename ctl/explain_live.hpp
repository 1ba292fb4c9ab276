// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <string>

#include "policy/engine.hpp"

namespace nocontact::ctl {

// `explain` judges as nocontactd does now: when nocontactd runs with `policy_file`, the changes
// the person made (soften, harden, final straw, snooze) go into `engine` as the levels they set.
// They hold from `from`, the moment explain judges at (taken before nocontactd is asked: a
// change starting later would not yet hold then). Says on `err` which it is, or plainly that
// the levels are the policy's own (nocontactd not reachable, or running with another policy
// file).
void useLiveLevels(policy::Engine& engine, const std::string& policy_file, policy::SysTime from,
                   std::ostream& err);

}  // namespace nocontact::ctl
