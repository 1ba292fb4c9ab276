// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <string>

namespace nocontact::ctl {

// `nocontactctl held [--json]`: the messages nocontact keeps, without their text.
int runHeld(bool json, std::ostream& out, std::ostream& err);

// `nocontactctl read ID|CONTACT`: a pause in the terminal (a countdown bar; Ctrl-C lets the
// messages go), then the messages themselves.
int runRead(const std::string& target, std::ostream& out, std::ostream& err);

// `nocontactctl let-go ID|CONTACT`: lets waiting messages go without reading them.
int runLetGo(const std::string& target, std::ostream& out, std::ostream& err);

}  // namespace nocontact::ctl
