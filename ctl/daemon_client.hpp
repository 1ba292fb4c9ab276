// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>

namespace nocontact::ctl {

// `nocontactctl status [--json]`: what the daemon is doing and why each contact is at its
// level. Exit 1 with a kind word when the daemon is not running.
int runStatus(bool json, std::ostream& out, std::ostream& err);

// `nocontactctl reload`: asks the daemon to read the policy again; prints what happened.
int runReload(std::ostream& out, std::ostream& err);

}  // namespace nocontact::ctl
