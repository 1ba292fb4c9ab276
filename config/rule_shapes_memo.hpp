// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/server_rules.hpp"
#include "policy/policy.hpp"
#include "policy/profile.hpp"

namespace nocontact::config {

// ruleShapes(), kept for the next policy: a reload that changes nothing the shapes depend on
// finds them again instead of working them out (about 0.2 s for 1,000 contacts). A contact's
// shapes depend on the app profiles and on who the policy's matcher finds for a text: every
// contact's names, numbers, addresses and handles, its groups and calls rules, and the region.
// A policy's levels, reasons, schedules and digest times do not count, and they are what a
// person edits most. A policy with app profiles of its own is always worked out again.
class RuleShapesMemo {
  public:
    // `profiles` must be built from `policy.apps` and the same built-in profiles every time.
    const std::vector<RuleShape>& shapes(const policy::Policy& policy,
                                         const policy::Profiles& profiles);
    // How many times shapes() worked them out (for tests).
    int workedOut() const { return worked_out_; }

  private:
    std::optional<std::string> key_;
    std::vector<RuleShape> shapes_;
    int worked_out_ = 0;
};

}  // namespace nocontact::config
