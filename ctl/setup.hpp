// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "ctl/setup_desktop.hpp"

namespace nocontact::ctl {

struct SetupOptions {
    bool yes = false;          // do it without asking
    bool undo = false;         // take back what setup did
    bool interactive = false;  // stdin is a terminal: it may ask
    std::string policy_file;   // default: the person's policy
};

// `nocontactctl setup`: prepares the desktop so that a held contact's message is never drawn
// (the notification server's own rules, the GNOME Shell extension, the user unit), after
// saying what it will do and asking. `desktop` may be null when there is no session bus.
int runSetup(const SetupOptions& options, Desktop* desktop, std::istream& in, std::ostream& out,
             std::ostream& err);

}  // namespace nocontact::ctl
