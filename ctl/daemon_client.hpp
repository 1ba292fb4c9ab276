// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace nocontact::ctl {

// The Status dictionary as `status --json` prints it.
nlohmann::ordered_json statusJson(const std::map<std::string, sdbus::Variant>& status);

// `nocontactctl status [--json]`: what the daemon is doing and why each contact is at its
// level. Exit 1 with a kind word when the daemon is not running.
int runStatus(bool json, std::ostream& out, std::ostream& err);

// `nocontactctl reload`: asks the daemon to read the policy again; prints what happened.
int runReload(std::ostream& out, std::ostream& err);

}  // namespace nocontact::ctl
